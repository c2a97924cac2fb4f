/* The ported gate, row and softmax-CE kernels for one path (AVX-512, 16 lanes); port.c picks the path at run time. */
#if defined(__x86_64__) && defined(__GNUC__)
#define PORT_AVX512
#define PORT_FN(name) port_##name##_avx512
#include <math.h>
#include "port.h"
#include "port-simd.h"
#include "gates-impl.h"
#include "ce-impl.h"

PORT_OPS_TABLE(avx512)
#endif

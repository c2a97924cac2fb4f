/* The ported gate, row and softmax-CE kernels for one path (NEON, 4 lanes: arm64 only); port.c picks the path
 * at run time. */
#if defined(__aarch64__)
#define PORT_NEON
#define PORT_FN(name) port_##name##_neon
#include <math.h>
#include "port.h"
#include "port-simd.h"
#include "gates-impl.h"
#include "ce-impl.h"

PORT_OPS_TABLE(neon)
#endif

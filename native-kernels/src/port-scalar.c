/* The ported gate, row and softmax-CE kernels for one path (portable C, one lane: every CPU); port.c picks the path
 * at run time. */
#define PORT_SCALAR
#define PORT_FN(name) port_##name##_scalar
#include <math.h>
#include "port.h"
#include "port-simd.h"
#include "gates-impl.h"
#include "ce-impl.h"

PORT_OPS_TABLE(scalar)


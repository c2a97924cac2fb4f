/* Adapters from the registration table's argument array (nk.h) to the ported kernels (port.h): a 'p' argument
 * arrives as a pointer (null for offset 0, i.e. "none"), 'i' as int32, 'd' as double. */
#include "gemm.h"
#include "port-entries.h"
#include "port.h"

#define I(n) (a[n].i)
#define D(n) (a[n].d)
#define P(n) ((float *)a[n].p)
#define T32(n) ((const int32_t *)a[n].p)
#define OPS port_select(x->isa)

double port_entry_lstmFwd(const nk_ctx *x, const nk_arg *a) {
  OPS->lstmFwd(P(0), P(1), P(2), P(3), P(4), I(5), I(6));
  return 0;
}
double port_entry_lstmBwd(const nk_ctx *x, const nk_arg *a) {
  OPS->lstmBwd(P(0), P(1), P(2), P(3), P(4), P(5), P(6), P(7), I(8), I(9));
  return 0;
}
double port_entry_rnnFwd(const nk_ctx *x, const nk_arg *a) {
  OPS->rnnFwd(P(0), P(1), I(2), I(3));
  return 0;
}
double port_entry_rnnBwd(const nk_ctx *x, const nk_arg *a) {
  OPS->rnnBwd(P(0), P(1), P(2), P(3), P(4), I(5), I(6));
  return 0;
}
double port_entry_gruFwd(const nk_ctx *x, const nk_arg *a) {
  OPS->gruFwd(P(0), P(1), P(2), P(3), P(4), I(5), I(6));
  return 0;
}
double port_entry_gruBwd(const nk_ctx *x, const nk_arg *a) {
  OPS->gruBwd(P(0), P(1), P(2), P(3), P(4), P(5), P(6), P(7), I(8), I(9));
  return 0;
}
double port_entry_addRows(const nk_ctx *x, const nk_arg *a) {
  OPS->addRows(P(0), P(1), I(2), I(3));
  return 0;
}
double port_entry_colSum(const nk_ctx *x, const nk_arg *a) {
  OPS->colSum(P(0), P(1), I(2), I(3));
  return 0;
}
double port_entry_gatherRows(const nk_ctx *x, const nk_arg *a) {
  OPS->gatherRows(P(0), T32(1), P(2), P(3), I(4), I(5));
  return 0;
}
double port_entry_scatterRows(const nk_ctx *x, const nk_arg *a) {
  OPS->scatterRows(P(0), T32(1), P(2), I(3), I(4));
  return 0;
}
double port_entry_vexpTest(const nk_ctx *x, const nk_arg *a) {
  OPS->vexpTest(P(0), P(1), I(2));
  return 0;
}
double port_entry_lstmScanFwd(const nk_ctx *x, const nk_arg *a) {
  port_lstmScanFwd(OPS, x->gemm, I(0), I(1), I(2), I(3), I(4), P(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12));
  return 0;
}
double port_entry_lstmScanBwd(const nk_ctx *x, const nk_arg *a) {
  port_lstmScanBwd(OPS, x->gemm, I(0), I(1), I(2), I(3), I(4), P(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12),
                   P(13), P(14), P(15));
  return 0;
}
double port_entry_rnnScanFwd(const nk_ctx *x, const nk_arg *a) {
  port_rnnScanFwd(OPS, x->gemm, I(0), I(1), I(2), I(3), I(4), P(5), P(6), P(7), P(8), I(9), P(10));
  return 0;
}
double port_entry_rnnScanBwd(const nk_ctx *x, const nk_arg *a) {
  port_rnnScanBwd(OPS, x->gemm, I(0), I(1), I(2), I(3), I(4), P(5), P(6), P(7), P(8), P(9), P(10), I(11), P(12));
  return 0;
}
double port_entry_gruScanFwd(const nk_ctx *x, const nk_arg *a) {
  port_gruScanFwd(OPS, x->gemm, I(0), I(1), I(2), I(3), I(4), P(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12));
  return 0;
}
double port_entry_gruScanBwd(const nk_ctx *x, const nk_arg *a) {
  port_gruScanBwd(OPS, x->gemm, I(0), I(1), I(2), I(3), I(4), P(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12),
                  P(13), P(14), P(15));
  return 0;
}
double port_entry_adamStep(const nk_ctx *x, const nk_arg *a) {
  port_adam(x->isa, P(0), P(1), P(2), P(3), I(4), D(5), D(6), D(7), D(8), D(9), D(10));
  return 0;
}
double port_entry_ceLossF32(const nk_ctx *x, const nk_arg *a) {
  return OPS->ceLossF32(P(0), P(1), T32(2), P(3), I(4), I(5), D(6));
}

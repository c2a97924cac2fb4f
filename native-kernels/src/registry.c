// The registration table: every kernel the addon exports, under its assembly/kernels.ts name, with that
// function's arguments (nk.h: 'i' int32, 'd' double, 'p' byte offset into the engine's memory → pointer) and
// an adapter that calls the C kernel. The engine's dispatch (src-worker/engine/wasm/native.ts) uses a native
// kernel for every name listed here and WebAssembly for the others, except that the kernels sharing the
// packed-B layout (packedSize, packB, sgemmPacked*, the whole scans) switch to native together.
#include "gemm.h"
#include "nk.h"
#include "port-entries.h"

#define I(n) (a[n].i)
#define P(n) ((float *)a[n].p)

static double packed_size(const nk_ctx *x, const nk_arg *a) { return (double)nk_packed_size(x->gemm, I(0), I(1)); }

static double work_bytes(const nk_ctx *x, const nk_arg *a) {
  (void)x;
  (void)a;
  return (double)nk_work_bytes();
}

static double sgemm(const nk_ctx *x, const nk_arg *a) {
  nk_sgemm(x->gemm, I(0), I(1), I(2), I(3), I(4), P(5), I(6), P(7), I(8), I(9), P(10), I(11), a[12].p);
  return 0;
}

static double pack_b(const nk_ctx *x, const nk_arg *a) {
  nk_pack_b(x->gemm, I(0), I(1), I(2), P(3), I(4), P(5));
  return 0;
}

static double sgemm_packed(const nk_ctx *x, const nk_arg *a) {
  nk_sgemm_packed(x->gemm, I(0), I(1), I(2), I(3), P(4), I(5), P(6), I(7), P(8), I(9), a[10].p);
  return 0;
}

static double sgemm_packed_panels(const nk_ctx *x, const nk_arg *a) {
  nk_sgemm_packed_panels(x->gemm, I(0), I(1), I(2), I(3), P(4), I(5), P(6), I(7), P(8), I(9), a[10].p, I(11),
                         I(12));
  return 0;
}

const nk_entry nk_registry[] = {
    {"packedSize", "ii", 'i', packed_size},
    {"workBytes", "", 'i', work_bytes},
    {"sgemm", "iiiiipipiipip", 'v', sgemm},
    {"packB", "iiipip", 'v', pack_b},
    {"sgemmPacked", "iiiipipipip", 'v', sgemm_packed},
    {"sgemmPackedPanels", "iiiipipipipii", 'v', sgemm_packed_panels},
    PORT_ENTRIES /* gate kernels, row helpers, whole scans, Adam, softmax cross-entropy (port-entries.h) */
    {0, 0, 0, 0},
};

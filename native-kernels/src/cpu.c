// Which instruction-set paths this build and this CPU can run (runtime dispatch: the binary is compiled for the
// baseline of its architecture, each fast path in functions compiled for their own target).
#include "nk.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define NK_X86 1
#endif

static const char *const names[NK_ISAS] = {"avx512", "avx2", "neon", "c"};

const char *nk_isa_name(nk_isa isa) { return isa >= 0 && isa < NK_ISAS ? names[isa] : "?"; }

int nk_isa_supported(nk_isa isa) {
  switch (isa) {
#ifdef NK_X86
  case NK_AVX512:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
  case NK_AVX2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
#ifdef __aarch64__
  case NK_NEON:
    return 1; /* Advanced SIMD with FMA is part of every AArch64 CPU */
#endif
  case NK_C:
    return 1;
  default:
    return 0;
  }
}

nk_isa nk_isa_best(void) {
  for (int i = 0; i < NK_ISAS; i++)
    if (nk_isa_supported((nk_isa)i)) return (nk_isa)i;
  return NK_C;
}

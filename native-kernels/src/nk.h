// Shared definitions of the native kernel library: the instruction-set paths, the per-context state the
// Node-API glue hands every kernel, and the registration table's entry type.
#ifndef NK_H
#define NK_H

#include <stddef.h>
#include <stdint.h>

/** Instruction-set paths, best first. A context runs one path (chosen at init). */
typedef enum { NK_AVX512 = 0, NK_AVX2 = 1, NK_NEON = 2, NK_C = 3, NK_ISAS = 4 } nk_isa;

const char *nk_isa_name(nk_isa isa);
/** 1 when this CPU (and its operating system) can run `isa` and the library was compiled with it. */
int nk_isa_supported(nk_isa isa);
/** The best supported path. */
nk_isa nk_isa_best(void);

struct nk_gemm;

/**
 * One engine's view of the library (one per Node-API environment, i.e. per thread that loaded the addon):
 * `base` is the first byte of the engine's shared WebAssembly.Memory, so a kernel argument that is a byte
 * offset into that memory becomes the pointer base + offset.
 */
typedef struct nk_ctx {
  uint8_t *base;
  nk_isa isa;
  const struct nk_gemm *gemm;
} nk_ctx;

/** A kernel argument as the glue converts it (see nk_entry.sig). */
typedef union {
  int32_t i;
  double d;
  void *p;
} nk_arg;

/**
 * A kernel exported to JavaScript under `name`. `sig` gives its arguments in order: 'i' int32, 'd' double,
 * 'p' a byte offset into the engine's memory (passed to `fn` as a pointer). `ret` is 'v' (undefined), 'i'
 * or 'd' (fn's return value, converted). Names and arguments are those of assembly/kernels.ts.
 */
typedef struct {
  const char *name;
  const char *sig;
  char ret;
  double (*fn)(const nk_ctx *ctx, const nk_arg *a);
} nk_entry;

/** The registration table (registry.c), terminated by an entry with name NULL. */
extern const nk_entry nk_registry[];

#define NK_MAX_ARGS 24

#endif

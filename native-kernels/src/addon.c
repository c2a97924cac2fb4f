// Node-API glue of the native kernel library: exports every kernel of the registration table (registry.c) as a
// function taking the arguments of its assembly/kernels.ts namesake, plus
//   init(view, isa?)  view: a Uint8Array over the engine's shared WebAssembly.Memory buffer (offset 0); pointer
//                     arguments are byte offsets into it from then on. isa: 'avx512' | 'avx2' | 'neon' | 'c', or
//                     omitted for the best this CPU supports. Returns the path's name; throws for a path this
//                     CPU or build lacks.
//   isas()            the paths this CPU and build support, best first.
//   sameBase(view)    whether view's memory starts where init's did (a shared memory's base never moves when
//                     it grows: V8 reserves its maximum up front; the engine checks this after growing).
// Context-aware (NAPI_MODULE_INIT): every thread that loads the addon gets its own state (its memory base
// and path), so the pool's helper worker_thread loads it too and calls init with the same memory.
// Nothing here creates an ArrayBuffer: kernels read and write the engine's own memory in place.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "nk.h"

typedef struct binding {
  const nk_entry *e;
  const nk_ctx *ctx;
  size_t argc;
} binding;

typedef struct instance {
  nk_ctx ctx;
  size_t n;
  binding b[];
} instance;

static napi_value fail(napi_env env, const char *fmt, const char *a, size_t x, size_t y) {
  char msg[256];
  snprintf(msg, sizeof msg, fmt, a, x, y);
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static int read_arg(napi_env env, napi_value v, char kind, const nk_ctx *ctx, nk_arg *out) {
  if (kind == 'i') return napi_get_value_int32(env, v, &out->i) == napi_ok;
  if (kind == 'd') return napi_get_value_double(env, v, &out->d) == napi_ok;
  uint32_t off = 0;
  if (napi_get_value_uint32(env, v, &off) != napi_ok) return 0;
  out->p = off ? ctx->base + off : NULL; /* offset 0 stands for "no buffer" (the engine allocates above 1 MiB) */
  return 1;
}

static napi_value call(napi_env env, napi_callback_info info) {
  size_t argc = NK_MAX_ARGS;
  napi_value argv[NK_MAX_ARGS];
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok) return NULL;
  const binding *b = data;
  if (!b->ctx->base) return fail(env, "rnn_kernels.%s: call init(memory) first%.0zu%.0zu", b->e->name, 0, 0);
  if (argc != b->argc) return fail(env, "rnn_kernels.%s takes %zu arguments, got %zu", b->e->name, b->argc, argc);
  nk_arg a[NK_MAX_ARGS];
  for (size_t i = 0; i < argc; i++)
    if (!read_arg(env, argv[i], b->e->sig[i], b->ctx, &a[i]))
      return fail(env, "rnn_kernels.%s: argument %zu is not a number%.0zu", b->e->name, i, 0);
  const double r = b->e->fn(b->ctx, a);
  if (b->e->ret == 'v') return NULL;
  napi_value out;
  napi_create_double(env, r, &out);
  return out;
}

/** The data pointer of a Uint8Array (or other typed array) starting at its buffer's first byte, else NULL. */
static uint8_t *view_base(napi_env env, napi_value v) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return NULL;
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void *d = NULL;
  napi_value ab;
  if (napi_get_typedarray_info(env, v, &type, &length, &d, &ab, &offset) != napi_ok || offset != 0) return NULL;
  return d;
}

static napi_value init(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok) return NULL;
  instance *inst = data;
  uint8_t *base = argc >= 1 ? view_base(env, argv[0]) : NULL;
  if (!base) return fail(env, "rnn_kernels.init: expected a Uint8Array over the whole memory%s%.0zu%.0zu", "", 0, 0);
  nk_isa isa = nk_isa_best();
  napi_valuetype t = napi_undefined;
  if (argc >= 2) napi_typeof(env, argv[1], &t);
  if (t == napi_string) {
    char name[16] = {0};
    size_t len = 0;
    napi_get_value_string_utf8(env, argv[1], name, sizeof name, &len);
    int found = -1;
    for (int i = 0; i < NK_ISAS; i++)
      if (!strcmp(name, nk_isa_name((nk_isa)i))) found = i;
    if (found < 0 || !nk_isa_supported((nk_isa)found) || !nk_gemm_for((nk_isa)found))
      return fail(env, "rnn_kernels.init: no '%s' path on this CPU or in this build%.0zu%.0zu", name, 0, 0);
    isa = (nk_isa)found;
  }
  inst->ctx.base = base;
  inst->ctx.isa = isa;
  inst->ctx.gemm = nk_gemm_for(isa);
  napi_value out;
  napi_create_string_utf8(env, nk_isa_name(isa), NAPI_AUTO_LENGTH, &out);
  return out;
}

static napi_value isas(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value arr, s;
  napi_create_array(env, &arr);
  uint32_t n = 0;
  for (int i = 0; i < NK_ISAS; i++)
    if (nk_isa_supported((nk_isa)i) && nk_gemm_for((nk_isa)i)) {
      napi_create_string_utf8(env, nk_isa_name((nk_isa)i), NAPI_AUTO_LENGTH, &s);
      napi_set_element(env, arr, n++, s);
    }
  return arr;
}

static napi_value same_base(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok) return NULL;
  const instance *inst = data;
  napi_get_boolean(env, argc == 1 && inst->ctx.base && view_base(env, argv[0]) == inst->ctx.base, &out);
  return out;
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static int add(napi_env env, napi_value exports, const char *name, napi_callback cb, void *data) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, data, &fn) == napi_ok &&
         napi_set_named_property(env, exports, name, fn) == napi_ok;
}

NAPI_MODULE_INIT() {
  size_t n = 0;
  while (nk_registry[n].name) n++;
  instance *inst = calloc(1, sizeof(instance) + n * sizeof(binding));
  if (!inst || napi_set_instance_data(env, inst, finalize, NULL) != napi_ok) {
    free(inst);
    napi_throw_error(env, NULL, "rnn_kernels: out of memory");
    return NULL;
  }
  inst->n = n;
  int ok = add(env, exports, "init", init, inst) && add(env, exports, "isas", isas, inst) &&
           add(env, exports, "sameBase", same_base, inst);
  for (size_t i = 0; ok && i < n; i++) {
    inst->b[i] = (binding){&nk_registry[i], &inst->ctx, strlen(nk_registry[i].sig)};
    ok = inst->b[i].argc <= NK_MAX_ARGS && add(env, exports, nk_registry[i].name, call, &inst->b[i]);
  }
  if (!ok) napi_throw_error(env, NULL, "rnn_kernels: cannot register the kernels");
  return exports;
}

/* Registration entries (nk.h nk_entry) of the ported kernels, under their assembly/kernels.ts names and with its
 * arguments: the fused gate kernels, row helpers, whole scans, Adam and softmax cross-entropy. registry.c lists
 * PORT_ENTRIES in its table; the adapters (port-entries.c) call the table of the context's path. */
#ifndef PORT_ENTRIES_H
#define PORT_ENTRIES_H
#include "nk.h"

#define PORT_ADAPTERS(X)                                                                                      \
  X(lstmFwd, "pppppii", 'v') X(lstmBwd, "ppppppppii", 'v') X(rnnFwd, "ppii", 'v') X(rnnBwd, "pppppii", 'v') \
  X(gruFwd, "pppppii", 'v') X(gruBwd, "ppppppppii", 'v') X(addRows, "ppii", 'v') X(colSum, "ppii", 'v')     \
  X(gatherRows, "ppppii", 'v') X(scatterRows, "pppii", 'v') X(vexpTest, "ppi", 'v')                         \
  X(lstmScanFwd, "iiiiipppppppp", 'v') X(lstmScanBwd, "iiiiippppppppppp", 'v')                              \
  X(rnnScanFwd, "iiiiippppip", 'v') X(rnnScanBwd, "iiiiippppppip", 'v')                                     \
  X(gruScanFwd, "iiiiipppppppp", 'v') X(gruScanBwd, "iiiiippppppppppp", 'v')                                \
  X(adamStep, "ppppidddddd", 'v') X(ceLossF32, "ppppiid", 'd')

#define PORT_DECLARE(name, sig, ret) double port_entry_##name(const nk_ctx *x, const nk_arg *a);
PORT_ADAPTERS(PORT_DECLARE)
#undef PORT_DECLARE

#define PORT_ENTRY(name, sig, ret) {#name, sig, ret, port_entry_##name},
#define PORT_ENTRIES PORT_ADAPTERS(PORT_ENTRY)

#endif

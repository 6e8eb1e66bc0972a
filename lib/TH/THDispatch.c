/* THDispatch.c: the op info table generated from THOps.def, and the dispatch table. */
#include "THDispatch.h"

#include <string.h>

/* Rows whose BACKWARD column says `none` get a NULL backward name (see THOp_info). */
static THOpInfo op_info[TH_NOPS] = {
#define TH_OP(NAME, KIND, ARITY, FLAGS, BACKWARD) {#NAME, TH_KIND_##KIND, ARITY, FLAGS, #BACKWARD},
#include "THOps.def"
#undef TH_OP
};

__attribute__((constructor)) static void op_info_init(void) {
  for (int i = 0; i < TH_NOPS; i++)
    if (strcmp(op_info[i].backward, "none") == 0) op_info[i].backward = NULL;
}

static THKernel dispatch_table[TH_NOPS][TH_NDEVICE_TYPES];

const THOpInfo *THOp_info(THOp op) { return &op_info[op]; }

void THDispatch_register(THOp op, THDeviceType device, THKernel k) {
  dispatch_table[op][device] = k;
}

int THDispatch_get(THOp op, THDevice device, THKernel *out) {
  if ((unsigned)device.type >= TH_NDEVICE_TYPES || !dispatch_table[op][device.type].any)
    return TH_setError("[%s] no kernel for device type %s", op_info[op].name,
                       device.type == TH_DEVICE_CUDA ? "cuda" : "unknown");
  *out = dispatch_table[op][device.type];
  return TH_OK;
}

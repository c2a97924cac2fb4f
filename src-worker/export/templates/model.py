"""PyTorch rebuild of an RNN Workbench model (generated file).

Cell {{cell}}, {{numLayers}} layer(s), hidden size {{hiddenSize}}{{bidirectionalNote}}; mapping {{mapping}}, {{task}}.
Weights: {{weightsFile}} with PyTorch's own parameter names and layout
(weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, head.weight, head.bias; LSTM gates i,f,g,o; GRU r,z,n).{{resetBeforeNote}}

Inputs are TIME-MAJOR [seq, batch, {{inputSize}}] (batch_first=False) and already normalised: x' = (x - a) / b per
input column with NORMALIZATION['input'] (columns {{inputColumnsJson}}).{{tokensNote}}
{{outputsNote}}

Usage:
    model = load()            # reads the weights file next to this script
    y = model(x)              # x: torch.float32 [seq, batch, {{inputSize}}]
"""
import json
import os
import struct

import torch
from torch import nn

{{gruResetBefore}}CELL = {{cellLiteral}}
MAPPING = {{mappingLiteral}}
TASK = {{taskLiteral}}
INPUT_SIZE = {{inputSize}}
HIDDEN_SIZE = {{hiddenSize}}
NUM_LAYERS = {{numLayers}}
OUTPUT_SIZE = {{outputSize}}
SEQ_IN = {{seqIn}}
SEQ_OUT = {{seqOut}}
INPUT_COLUMNS = {{inputColumns}}
TARGET = {{target}}
NORMALIZATION = {{normalization}}
TARGET_TRANSFORM = {{targetTransform}}   # regression: output -> the target's units
CLASSES = {{classes}}          # classification: class id k means CLASSES[k]


def read_safetensors(path):
    """Minimal safetensors reader (8-byte little-endian header length, JSON header, raw little-endian data)."""
    with open(path, 'rb') as f:
        (n,) = struct.unpack('<Q', f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {'F32': torch.float32, 'F64': torch.float64}
    state = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        begin, end = info['data_offsets']
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtypes[info['dtype']])
        state[name] = t.reshape(info['shape']).to(torch.float32)
    return state


def read_json_state(path):
    with open(path) as f:
        return {k: torch.tensor(v, dtype=torch.float32) for k, v in json.load(f).items()}


{{network}}

def load(path=None):
    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), {{weightsFileLiteral}})
    state = {{readState}}
    model = WorkbenchModel()
    model.load_state_dict(rename(state))
    return model.eval()


if __name__ == '__main__':
    m = load()
    x = torch.randn(SEQ_IN, 2, INPUT_SIZE)
    with torch.no_grad():
        print(m(x))

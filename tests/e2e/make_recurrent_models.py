#!/usr/bin/python3
"""Export LSTM and GRU sequence classifiers from PyTorch for kiln's e2e tests.

Usage: /usr/bin/python3 make_recurrent_models.py OUTDIR

Each classifier is nn.LSTM or nn.GRU (batch_first) followed by a Linear head
on the last hidden state, exported with torch.onnx.export at opset 17. Two
variants per layer kind:

  NAME_zero_state.onnx  default (zero) initial state; the head reads
                        out[:, -1, :]. PyTorch's exporter builds the zero
                        states with Shape/Gather/Unsqueeze/Concat/Expand and
                        reads the output through Squeeze/Transpose/Gather.
  NAME_given_state.onnx the initial state(s) are graph inputs h0 (and c0);
                        the head reads h_n reshaped to [batch, hidden]. Only
                        Transpose, LSTM/GRU, Reshape and Gemm.

With NAME_*_x.npy, NAME_given_state_h0.npy (c0) inputs and PyTorch's outputs
NAME_*_y.npy. Deterministic (fixed seeds); writes only into OUTDIR.
"""

import io
import os
import sys
import warnings

import numpy as np
import torch
from torch import nn

BATCH, SEQ, FEATURES, HIDDEN, CLASSES = 3, 7, 5, 16, 4


class Classifier(nn.Module):
    def __init__(self, cell, given_state):
        super().__init__()
        self.is_lstm = cell is nn.LSTM
        self.given_state = given_state
        self.rnn = cell(FEATURES, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, CLASSES)

    def forward(self, x, h0=None, c0=None):
        if not self.given_state:
            out, _ = self.rnn(x)
            return self.head(out[:, -1, :])
        state = (h0, c0) if self.is_lstm else h0
        _, last = self.rnn(x, state)
        h = last[0] if self.is_lstm else last
        return self.head(h.reshape(BATCH, HIDDEN))


def save_npy(path, array):
    np.save(path, np.ascontiguousarray(array, dtype=np.float32),
            allow_pickle=False)


def export(outdir, name, cell, given_state, seed):
    torch.manual_seed(seed)
    model = Classifier(cell, given_state).eval()
    x = torch.randn(BATCH, SEQ, FEATURES)
    args, names = (x,), ["x"]
    if given_state:
        args += (0.5 * torch.randn(1, BATCH, HIDDEN),)
        names.append("h0")
        if cell is nn.LSTM:
            args += (0.5 * torch.randn(1, BATCH, HIDDEN),)
            names.append("c0")
    with torch.no_grad():
        y = model(*args)
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, args, buf, input_names=names,
                          output_names=["y"], opset_version=17,
                          do_constant_folding=True)
    with open(os.path.join(outdir, name + ".onnx"), "wb") as f:
        f.write(buf.getvalue())
    for arg_name, arg in zip(names, args):
        save_npy(os.path.join(outdir, f"{name}_{arg_name}.npy"), arg.numpy())
    save_npy(os.path.join(outdir, name + "_y.npy"), y.numpy())


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for seed, (kind, cell) in enumerate((("lstm", nn.LSTM), ("gru", nn.GRU))):
        export(outdir, kind + "_given_state", cell, True, seed)
        export(outdir, kind + "_zero_state", cell, False, seed + 10)


if __name__ == "__main__":
    main()

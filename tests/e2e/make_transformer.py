#!/usr/bin/python3
"""Export a small transformer encoder block from PyTorch for e2e tests.

Usage: /usr/bin/python3 make_transformer.py OUTDIR

Writes OUTDIR/transformer.onnx (nn.TransformerEncoderLayer(d_model 32,
4 heads, feed-forward 64, dropout 0, batch_first), eval mode,
torch.onnx.export at opset 17 with constant folding), OUTDIR/
transformer_input.npy ([2, 8, 32]) and OUTDIR/transformer_output.npy
(PyTorch's output). The export has LayerNormalization, batched MatMul,
Softmax, Transpose/Reshape and shape subgraphs (Shape -> Gather -> Mul ->
Slice) that kiln folds at import. Deterministic (fixed seed).
"""

import io
import os
import sys
import warnings

import numpy as np


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    outdir = argv[1]
    warnings.filterwarnings("ignore")
    import torch
    from torch import nn

    torch.manual_seed(11)
    block = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0,
                                       batch_first=True).eval()
    x = torch.randn(2, 8, 32)
    buf = io.BytesIO()
    # Not under no_grad: there PyTorch takes a fused fast path that has no
    # ONNX export.
    torch.onnx.export(block, (x,), buf, input_names=["x"],
                      output_names=["y"], opset_version=17,
                      do_constant_folding=True)
    with torch.inference_mode():
        y = block(x).numpy()
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "transformer.onnx"), "wb") as f:
        f.write(buf.getvalue())
    np.save(os.path.join(outdir, "transformer_input.npy"), x.numpy())
    np.save(os.path.join(outdir, "transformer_output.npy"), y)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/python3
"""Export Linear -> BatchNorm1d -> ReLU -> Linear from PyTorch for e2e tests.

Usage: /usr/bin/python3 make_linear_batchnorm.py OUTDIR

Writes OUTDIR/linear_bn.onnx (opset 17, eval mode, BatchNormalization kept
with TrainingMode.PRESERVE: PyTorch does not fold it into the Gemm),
OUTDIR/linear_bn_input.npy ([4, 24]) and OUTDIR/linear_bn_output.npy
(PyTorch's output). Non-trivial running statistics and affine parameters;
the second Linear has a bias so that kiln-pack-weights meets Gemm's C too.
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
    import onnx
    import torch
    from torch import nn

    torch.manual_seed(5)
    bn = nn.BatchNorm1d(32)
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(32) * 0.1)
        bn.running_var.copy_(torch.rand(32) + 0.5)
        bn.weight.copy_(torch.rand(32) + 0.5)
        bn.bias.copy_(torch.randn(32) * 0.1)
    net = nn.Sequential(nn.Linear(24, 32), bn, nn.ReLU(),
                        nn.Linear(32, 10)).eval()
    x_np = np.random.default_rng(3).standard_normal((4, 24)).astype(np.float32)
    x = torch.from_numpy(x_np)
    with torch.no_grad():
        y = net(x).numpy().astype(np.float32)
    buf = io.BytesIO()
    torch.onnx.export(net, (x,), buf, input_names=["x"], output_names=["y"],
                      opset_version=17, do_constant_folding=True,
                      training=torch.onnx.TrainingMode.PRESERVE, verbose=False)
    model = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(outdir, exist_ok=True)
    name = os.path.join(outdir, "linear_bn")
    onnx.save(model, name + ".onnx")
    np.save(name + "_input.npy", x_np)
    np.save(name + "_output.npy", y)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/python3
"""Export Linear -> BatchNorm1d -> ReLU -> Linear from PyTorch for e2e tests.

Usage: /usr/bin/python3 make_linear_batchnorm.py OUTDIR

Writes OUTDIR/linear_bn.onnx (opset 17, eval mode, BatchNormalization kept
with TrainingMode.PRESERVE: PyTorch does not fold it into the Gemm),
OUTDIR/linear_bn_input.npy ([4, 24]) and OUTDIR/linear_bn_output.npy
(PyTorch's output). Non-trivial running statistics and affine parameters;
the second Linear has a bias so that kiln-pack-weights meets Gemm's C too.
"""

import sys
import warnings

import numpy as np


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    outdir = argv[1]
    warnings.filterwarnings("ignore")
    import torch
    from export_util import export_model
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
    export_model(net, x_np, outdir, "linear_bn", keep_batch_norm=True)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/python3
"""Export a chain of depthwise and grouped convolutions from PyTorch.

Usage: /usr/bin/python3 make_grouped_conv.py OUTDIR

Writes OUTDIR/grouped_conv.onnx (opset 17, eval mode), its input
([2, 8, 33, 70]) and PyTorch's output as .npy. The layers cover the shapes
kiln-vectorize-depthwise-conv splits differently: a depthwise 3x3 over 70
columns (more vectors than accumulators: a chunk loop and a narrower last
vector), a depthwise (3, 5) with channel multiplier 2, stride 2, padding 2
and dilation 2, a depthwise stride 3 (the shuffle of a long load), and
grouped convolutions with 4 channels per group (stride 1 and 2). Every
layer has a bias.
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

    torch.manual_seed(7)
    net = nn.Sequential(
        nn.Conv2d(8, 8, 3, padding=1, groups=8),
        nn.Conv2d(8, 16, (3, 5), stride=2, padding=2, dilation=2, groups=8),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1, groups=4),
        nn.Conv2d(32, 32, 3, stride=3, padding=1, groups=32),
        nn.Conv2d(32, 16, 3, stride=2, padding=1, groups=8)).eval()
    x_np = np.random.default_rng(11).standard_normal(
        (2, 8, 33, 70)).astype(np.float32)
    export_model(net, x_np, outdir, "grouped_conv")


if __name__ == "__main__":
    main(sys.argv)

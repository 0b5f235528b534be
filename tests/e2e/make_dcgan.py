#!/usr/bin/python3
"""Export a small DCGAN generator or discriminator from PyTorch for e2e tests.

Usage: /usr/bin/python3 make_dcgan.py {generator,discriminator} OUTDIR

Writes OUTDIR/NAME.onnx (torch.onnx.export, opset 17, eval mode),
OUTDIR/NAME_input.npy and OUTDIR/NAME_output.npy (PyTorch's output for that
input). Deterministic: fixed seeds, non-trivial BatchNorm running statistics
and affine parameters. The export keeps BatchNormalization nodes
(TrainingMode.PRESERVE on eval-mode modules), so the tests exercise them
instead of a BatchNorm folded into the preceding Conv.

Generator (DCGAN, Radford et al.): latent [2, 16, 1, 1] -> ConvTranspose
(4x4, stride 1) -> 3 x (BatchNorm, ReLU, ConvTranspose 4x4 stride 2 pad 1)
-> Tanh -> image [2, 3, 32, 32].
Discriminator: image [2, 3, 32, 32] -> Conv (4x4, stride 2, pad 1) ->
LeakyReLU(0.2) -> 2 x (Conv 4x4 stride 2 pad 1, BatchNorm, LeakyReLU(0.2))
-> Conv (4x4) -> Sigmoid -> [2, 1, 1, 1].
"""

import sys
import warnings

import numpy as np


def main(argv):
    if len(argv) != 3 or argv[1] not in ("generator", "discriminator"):
        sys.exit(__doc__)
    which, outdir = argv[1], argv[2]
    warnings.filterwarnings("ignore")
    import torch
    from export_util import export_model
    from torch import nn

    torch.manual_seed(7)

    def batchnorm(c):
        b = nn.BatchNorm2d(c)
        with torch.no_grad():
            b.running_mean.copy_(torch.randn(c) * 0.1)
            b.running_var.copy_(torch.rand(c) + 0.5)
            b.weight.copy_(torch.rand(c) + 0.5)
            b.bias.copy_(torch.randn(c) * 0.1)
        return b

    nz, ngf, ndf = 16, 8, 8
    if which == "generator":
        net = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
            batchnorm(ngf * 4), nn.ReLU(),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            batchnorm(ngf * 2), nn.ReLU(),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            batchnorm(ngf), nn.ReLU(),
            nn.ConvTranspose2d(ngf, 3, 4, 2, 1, bias=False), nn.Tanh()).eval()
        shape = (2, nz, 1, 1)
    else:
        net = nn.Sequential(
            nn.Conv2d(3, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), batchnorm(ndf * 2),
            nn.LeakyReLU(0.2),
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
            batchnorm(ndf * 4), nn.LeakyReLU(0.2),
            nn.Conv2d(ndf * 4, 1, 4, 1, 0, bias=False), nn.Sigmoid()).eval()
        shape = (2, 3, 32, 32)

    x_np = np.random.default_rng(11).standard_normal(shape).astype(np.float32)
    export_model(net, x_np, outdir, "dcgan_" + which, keep_batch_norm=True)


if __name__ == "__main__":
    main(sys.argv)

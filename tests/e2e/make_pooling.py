#!/usr/bin/python3
"""Export 2-D max and average pooling layers from PyTorch.

Usage: /usr/bin/python3 make_pooling.py OUTDIR

Writes OUTDIR/pooling.onnx (opset 17), its input ([2, 8, 33, 70]) and
PyTorch's outputs as .npy: the cases the ONNX conformance tests lack for
the in-place pooling of convert-kiln-to-linalg (Pooling.cpp), each an
output of its own, all pooling the same input:

  y_max_s2p1     MaxPool 3x3, stride 2, pad 1 (the ResNet stem)
  y_max_ceil     MaxPool 3x3, stride 2, pad 1, ceil_mode
  y_max_dil      MaxPool 3x3, stride 1, pad 1, dilation 2
  y_max_rect     MaxPool (2, 5), stride (1, 3), pad (1, 2), dilation (1, 2)
  y_avg_incl     AveragePool 3x3, stride 2, pad 1, count_include_pad, ceil
  y_avg_excl     AveragePool 3x3, stride 2, pad 1, no count_include_pad, ceil
  y_avg_s1       AveragePool 5x5, stride 1, pad 2, no count_include_pad
  y_avg_2x2      AveragePool 2x2, stride 2 (no padding, ceil_mode overhang)
  y_avg_pads     y_avg_incl as one AveragePool node with count_include_pad=1
                 (PyTorch exports count_include_pad as a Pad node and a
                 pool without pads; this node is added to the graph)

The input's values are shifted negative in some rows, so that a max whose
padding counted as 0 would be wrong.
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

    class Pools(nn.Module):
        def __init__(self):
            super().__init__()
            self.pools = nn.ModuleList([
                nn.MaxPool2d(3, 2, 1),
                nn.MaxPool2d(3, 2, 1, ceil_mode=True),
                nn.MaxPool2d(3, 1, 1, dilation=2),
                nn.MaxPool2d((2, 5), (1, 3), (1, 2), dilation=(1, 2)),
                nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=True),
                nn.AvgPool2d(3, 2, 1, ceil_mode=True,
                             count_include_pad=False),
                nn.AvgPool2d(5, 1, 2, count_include_pad=False),
                nn.AvgPool2d(2, 2, ceil_mode=True)])

        def forward(self, x):
            return tuple(pool(x) for pool in self.pools)

    names = ["y_max_s2p1", "y_max_ceil", "y_max_dil", "y_max_rect",
             "y_avg_incl", "y_avg_excl", "y_avg_s1", "y_avg_2x2"]
    net = Pools().eval()
    x_np = np.random.default_rng(5).standard_normal(
        (2, 8, 33, 70)).astype(np.float32)
    x_np[:, :, ::4, :] -= 4.0
    x = torch.from_numpy(x_np)
    with torch.no_grad():
        ys = [y.numpy().astype(np.float32) for y in net(x)]
    buf = io.BytesIO()
    torch.onnx.export(net, (x,), buf, input_names=["x"], output_names=names,
                      opset_version=17, do_constant_folding=True)
    model = onnx.load_from_string(buf.getvalue())
    model.graph.node.append(onnx.helper.make_node(
        "AveragePool", ["x"], ["y_avg_pads"], kernel_shape=[3, 3],
        strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1))
    model.graph.output.append(onnx.helper.make_tensor_value_info(
        "y_avg_pads", onnx.TensorProto.FLOAT, ys[4].shape))
    names.append("y_avg_pads")
    ys.append(ys[4])
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(outdir, exist_ok=True)
    name = os.path.join(outdir, "pooling")
    onnx.save(model, name + ".onnx")
    np.save(name + "_input.npy", x_np)
    for output, y in zip(names, ys):
        np.save(name + "_" + output + ".npy", y)


if __name__ == "__main__":
    main(sys.argv)

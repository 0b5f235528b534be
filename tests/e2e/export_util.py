"""The export tail the e2e model generators share.

export_model(net, x_np, outdir, name) runs the PyTorch module `net` (in eval
mode) on the float32 input `x_np`, exports it with torch.onnx.export at
opset 17 (constant folding on), checks the ONNX model with the full checker
and writes OUTDIR/NAME.onnx, OUTDIR/NAME_input.npy and OUTDIR/NAME_output.npy
(PyTorch's output, the reference kiln is compared against).
"""

import io
import os

import numpy as np
import onnx
import torch


def export_model(net, x_np, outdir, name, keep_batch_norm=False):
    """Writes NAME.onnx and its input/output .npy files into `outdir`.

    keep_batch_norm exports with TrainingMode.PRESERVE, so BatchNormalization
    nodes stay in the graph (kiln folds them itself) instead of being folded
    by the exporter.
    """
    x = torch.from_numpy(x_np)
    with torch.no_grad():
        y = net(x).numpy().astype(np.float32)
    buf = io.BytesIO()
    extra = {}
    if keep_batch_norm:
        extra["training"] = torch.onnx.TrainingMode.PRESERVE
    torch.onnx.export(net, (x,), buf, input_names=["x"], output_names=["y"],
                      opset_version=17, do_constant_folding=True,
                      verbose=False, **extra)
    model = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, name)
    onnx.save(model, path + ".onnx")
    np.save(path + "_input.npy", x_np)
    np.save(path + "_output.npy", y)

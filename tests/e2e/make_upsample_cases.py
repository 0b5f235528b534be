#!/usr/bin/python3
"""ONNX Upsample (opsets 7-9) and Resize-10 models with NumPy references.

Usage: /usr/bin/python3 make_upsample_cases.py OUTDIR [--run KILN]

Writes CASE.onnx, CASE_in0.npy and CASE_out0.npy for every case below and
OUTDIR/cases.txt with one line per case: `CASE -i IN0 --expect OUT0`
(arguments of `kiln run`). kiln's loader converts these models to opset 17,
where ONNX's converter makes each Upsample a Resize that keeps only `mode`
and `scales`, and turns a Resize-10 into a Resize-11 without the attributes
that keep its meaning; the references here follow the old definition of
both, independent of kiln: output dim `floor(d * scale)`, output index `o`
reads input coordinate `x = o / scale` (asymmetric); nearest takes
`floor(x)`, linear interpolates between `floor(x)` and the next element,
both clamped to the last element (the edge repeats). Upsample's scales are
an input initializer (opset 9) or an attribute (opsets 7 and 8), integer
and not, all >= 1; Resize-10 also shrinks.

With --run KILN, also runs `KILN run` on every case (f32 tolerances rtol
1e-4, atol 1e-5), prints `CASE: ok` or `CASE: FAILED` plus kiln's output,
and exits 1 if any case failed.
"""

import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def upsample_1d(x, axis, scale, mode):
    """Upsamples one axis of x by scale (Upsample's definition)."""
    size = x.shape[axis]
    out = math.floor(size * scale)
    pieces = []
    for o in range(out):
        coord = o / scale
        low = min(math.floor(coord), size - 1)
        if mode == "nearest":
            pieces.append(np.take(x, [low], axis=axis))
            continue
        high = min(low + 1, size - 1)
        frac = min(coord, size - 1) - low
        pieces.append((1 - frac) * np.take(x, [low], axis=axis)
                      + frac * np.take(x, [high], axis=axis))
    return np.concatenate(pieces, axis=axis)


def reference(x, scales, mode):
    """The model holds float32 scales: the reference uses the same values."""
    y = x.astype(np.float64)
    for axis, scale in enumerate(float(np.float32(s)) for s in scales):
        if scale != 1.0:
            y = upsample_1d(y, axis, scale, mode)
    return y.astype(x.dtype)


# (name, opset, input shape, scales, mode); Resize at opset 10, Upsample
# before. Scales such as 1.25 and 1.75 pick other nearest elements than
# Resize-11's default half_pixel coordinates with round_prefer_floor would;
# every linear case differs from them.
CASES = [
    ("nearest_int_opset9", 9, [1, 1, 2, 3], [1, 1, 2, 3], "nearest"),
    ("nearest_frac_opset9", 9, [1, 2, 3, 4], [1, 1, 1.25, 1.75], "nearest"),
    ("linear_int_opset9", 9, [1, 1, 2, 2], [1, 1, 2, 2], "linear"),
    ("linear_frac_opset9", 9, [2, 1, 3, 5], [1, 1, 1.7, 1.5], "linear"),
    ("nearest_attr_opset7", 7, [1, 1, 3, 2], [1, 1, 2.5, 1.25], "nearest"),
    ("linear_attr_opset8", 8, [2, 3, 4], [1, 2, 1.25], "linear"),
    ("resize10_nearest", 10, [1, 2, 5, 4], [1, 1, 0.6, 1.75], "nearest"),
    ("resize10_linear", 10, [1, 2, 5, 4], [1, 1, 0.75, 1.5], "linear"),
]


def make_case(outdir, name, opset, shape, scales, mode, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(np.float32)
    y = reference(x, scales, mode)
    inits = []
    if opset >= 9:
        op = "Resize" if opset >= 10 else "Upsample"
        node = helper.make_node(op, ["x", "scales"], ["y"], mode=mode)
        inits.append(numpy_helper.from_array(
            np.array(scales, np.float32), "scales"))
    else:
        node = helper.make_node("Upsample", ["x"], ["y"], mode=mode,
                                scales=[float(s) for s in scales])
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y.shape)],
        inits)
    model = helper.make_model(graph, producer_name="kiln-upsample-test",
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(outdir, name + ".onnx"))
    ins = os.path.join(outdir, name + "_in0.npy")
    outs = os.path.join(outdir, name + "_out0.npy")
    np.save(ins, x)
    np.save(outs, y)
    return f"{name} -i {ins} --expect {outs}"


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    lines = [make_case(outdir, *case, seed=k) for k, case in enumerate(CASES)]
    with open(os.path.join(outdir, "cases.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    if len(sys.argv) > 3 and sys.argv[2] == "--run":
        failed = 0
        for line in lines:
            name, *args = line.split()
            proc = subprocess.run(
                [sys.argv[3], "run", os.path.join(outdir, name + ".onnx"),
                 *args, "--rtol", "1e-4", "--atol", "1e-5"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if proc.returncode == 0:
                print(f"{name}: ok")
            else:
                failed += 1
                print(f"{name}: FAILED\n{proc.stdout}")
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

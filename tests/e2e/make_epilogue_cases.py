#!/usr/bin/python3
"""Products with elementwise consumers (contraction epilogues), NumPy refs.

Usage: /usr/bin/python3 make_epilogue_cases.py OUTDIR [--run KILN [ARGS...]]

Writes CASE.onnx, CASE_in*.npy and CASE_out*.npy for every case below:
MatMul / Gemm / Conv followed by the elementwise ops kiln-fuse-epilogues
turns into the product's epilogue (bias, ReLU, residual Add, scalar Mul,
Sigmoid), in shapes that reach the kernels' edges: N edges narrower than a
register (masked), M edges shorter than a register tile, K past 1024 (the
epilogue then runs after the K loop), a product large enough to be split
across threads, an NCHW residual over a conv product, and a product whose
bare value is also an output (the consumer cannot write in place). The
references compute in float64 from the float32 data.

With --run KILN [ARGS...], runs `KILN run CASE.onnx -i ... --expect ...
ARGS` on every case (rtol 1e-4, atol 1e-5), prints `CASE: ok` or
`CASE: FAILED` with kiln's output, and exits 1 if any case failed.
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def relu(x):
    return np.maximum(x, 0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def conv2d(x, w, pad):
    """NCHW convolution, stride 1, symmetric padding `pad`."""
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    y = np.zeros((n, f, oh, ow))
    for i in range(kh):
        for j in range(kw):
            y += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + oh, j:j + ow],
                           w[:, :, i, j])
    return y


class Case:
    """One model: graph inputs (fed from .npy), constant initializers."""

    def __init__(self, name, seed):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inputs, self.inits, self.feeds = [], [], [], []

    def data(self, shape, scale=1.0):
        return (self.rng.standard_normal(shape) * scale).astype(np.float32)

    def input(self, name, shape):
        value = self.data(shape)
        self.inputs.append(helper.make_tensor_value_info(
            name, TensorProto.FLOAT, shape))
        self.feeds.append(value)
        return value.astype(np.float64)

    def const(self, name, value):
        value = np.asarray(value, np.float32)
        self.inits.append(numpy_helper.from_array(value, name))
        return value.astype(np.float64)

    def weight(self, name, shape):
        return self.const(name, self.data(shape, 1 / np.sqrt(shape[0])))

    def node(self, op, ins, outs, **attrs):
        self.nodes.append(helper.make_node(op, ins, outs, **attrs))

    def save(self, outdir, outputs):
        """outputs: (name, float64 reference) pairs, in order."""
        graph = helper.make_graph(
            self.nodes, self.name, self.inputs,
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, v.shape)
             for n, v in outputs], self.inits)
        model = helper.make_model(graph, producer_name="kiln-epilogue-test",
                                  opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, os.path.join(outdir, self.name + ".onnx"))
        args = []
        for k, value in enumerate(self.feeds):
            path = os.path.join(outdir, f"{self.name}_in{k}.npy")
            np.save(path, value)
            args += ["-i", path]
        for k, (_, value) in enumerate(outputs):
            path = os.path.join(outdir, f"{self.name}_out{k}.npy")
            np.save(path, value.astype(np.float32))
            args += ["--expect", path]
        return self.name, args


def gemm_bias_relu_edges(outdir):
    # 7 rows (a 6-row tile and a 1-row edge), 20 columns (16 + a masked 4).
    c = Case("gemm_bias_relu_edges", 1)
    x = c.input("x", [7, 64])
    w = c.weight("w", [64, 20])
    b = c.const("b", c.data([20]))
    c.node("Gemm", ["x", "w", "b"], ["t"])
    c.node("Relu", ["t"], ["y"])
    return c.save(outdir, [("y", relu(x @ w + b))])


def matmul_residual_relu(outdir):
    c = Case("matmul_residual_relu", 2)
    x = c.input("x", [13, 48])
    r = c.input("r", [13, 40])
    w = c.weight("w", [48, 40])
    c.node("MatMul", ["x", "w"], ["t"])
    c.node("Add", ["t", "r"], ["s"])
    c.node("Relu", ["s"], ["y"])
    return c.save(outdir, [("y", relu(x @ w + r))])


def conv_residual_relu(outdir):
    # The epilogue iterates over the [F, H*W] product; the residual is
    # reshaped to it.
    c = Case("conv_residual_relu", 3)
    x = c.input("x", [1, 8, 9, 11])
    r = c.input("r", [1, 12, 9, 11])
    w = c.const("w", c.data([12, 8, 3, 3], 0.2))
    b = c.const("b", c.data([12]))
    c.node("Conv", ["x", "w", "b"], ["t"], pads=[1, 1, 1, 1])
    c.node("Add", ["t", "r"], ["s"])
    c.node("Relu", ["s"], ["y"])
    ref = conv2d(x, w, 1) + b.reshape(1, 12, 1, 1) + r
    return c.save(outdir, [("y", relu(ref))])


def long_k_relu(outdir):
    # K = 1100 > 1024: K is cache-tiled, the epilogue runs after the K loop.
    c = Case("long_k_relu", 4)
    x = c.input("x", [5, 1100])
    w = c.weight("w", [1100, 24])
    c.node("MatMul", ["x", "w"], ["t"])
    c.node("Relu", ["t"], ["y"])
    return c.save(outdir, [("y", relu(x @ w))])


def scaled_sigmoid(outdir):
    # A scalar constant in the epilogue, a transcendental after it.
    c = Case("scaled_sigmoid", 5)
    x = c.input("x", [6, 32])
    w = c.weight("w", [32, 16])
    half = c.const("half", np.float32(0.5))
    c.node("MatMul", ["x", "w"], ["t"])
    c.node("Mul", ["t", "half"], ["s"])
    c.node("Sigmoid", ["s"], ["y"])
    return c.save(outdir, [("y", sigmoid((x @ w) * half))])


def split_across_threads(outdir):
    # Large enough for kiln-parallelize-loops to split (along M: B is a
    # constant stored as strips), with the epilogue in each thread's tile;
    # 61 rows end in a 1-row edge.
    c = Case("split_across_threads", 6)
    x = c.input("x", [61, 256])
    w = c.weight("w", [256, 320])
    b = c.const("b", c.data([320]))
    c.node("Gemm", ["x", "w", "b"], ["t"])
    c.node("Relu", ["t"], ["y"])
    return c.save(outdir, [("y", relu(x @ w + b))])


def bare_product_also_output(outdir):
    # The product is an output too: the ReLU cannot overwrite it, so the
    # epilogue writes elsewhere and the bare sums are still stored.
    c = Case("bare_product_also_output", 7)
    x = c.input("x", [9, 40])
    w = c.weight("w", [40, 24])
    c.node("MatMul", ["x", "w"], ["t"])
    c.node("Relu", ["t"], ["y"])
    t = x @ w
    return c.save(outdir, [("t", t), ("y", relu(t))])


CASES = [gemm_bias_relu_edges, matmul_residual_relu, conv_residual_relu,
         long_k_relu, scaled_sigmoid, split_across_threads,
         bare_product_also_output]


def run_cases(makers, usage):
    """The command line of the make_*_cases.py scripts: writes every case
    into OUTDIR and, with --run KILN [ARGS...], runs and checks them."""
    if len(sys.argv) < 2:
        sys.exit(usage)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    cases = [make(outdir) for make in makers]
    if len(sys.argv) > 3 and sys.argv[2] == "--run":
        kiln, extra = sys.argv[3], sys.argv[4:]
        failed = 0
        for name, args in cases:
            proc = subprocess.run(
                [kiln, "run", os.path.join(outdir, name + ".onnx"), *args,
                 "--rtol", "1e-4", "--atol", "1e-5", *extra],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if proc.returncode == 0:
                print(f"{name}: ok")
            else:
                failed += 1
                print(f"{name}: FAILED\n{proc.stdout}")
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    run_cases(CASES, __doc__)

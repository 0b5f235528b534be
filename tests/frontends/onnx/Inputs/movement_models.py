#!/usr/bin/python3
"""Write the ONNX models of the movement importer tests into OUTDIR.

Usage: movement_models.py OUTDIR

Deterministic; every model but the broken ones passes onnx.checker.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def model(nodes, name, inputs, outputs, initializers=(), check=True):
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              initializer=list(initializers))
    m = helper.make_model(graph, producer_name="kiln-movement-tests",
                          opset_imports=[helper.make_opsetid("", OPSET)])
    m.ir_version = 8
    if check:
        onnx.checker.check_model(m, full_check=True)
    return m


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def fvi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def shape_chain():
    """The shape arithmetic exporters emit: Shape -> Slice -> Concat ->
    Reshape, and Shape -> Concat -> Expand of a constant."""
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Slice", ["s", "zero", "one"], ["batch"], name="batch"),
        helper.make_node("Shape", ["x"], ["last"], name="last", start=-1),
        helper.make_node("Concat", ["batch", "minus_one"], ["target"],
                         name="target", axis=0),
        helper.make_node("Reshape", ["x", "target"], ["y"], name="reshape"),
        helper.make_node("Concat", ["batch", "last"], ["bl"], name="bl", axis=0),
        helper.make_node("Constant", [], ["c"], name="c", value_float=1.5),
        helper.make_node("Expand", ["c", "bl"], ["z"], name="expand"),
        helper.make_node("Size", ["x"], ["n"], name="size"),
        helper.make_node("Unsqueeze", ["n", "zero"], ["n1"], name="n1"),
        helper.make_node("ConstantOfShape", ["n1"], ["zeros"], name="zeros",
                         value=numpy_helper.from_array(
                             np.array([7], dtype=np.int32))),
        helper.make_node("Range", ["r0", "r1", "r2"], ["r"], name="range"),
    ]
    return model(nodes, "shape_chain", [fvi("x", [2, 3, 4])],
                 [fvi("y", [2, 12]), fvi("z", [2, 4]),
                  helper.make_tensor_value_info("zeros", TensorProto.INT32, [24]),
                  helper.make_tensor_value_info("r", TensorProto.INT64, [3])],
                 [ints("zero", [0]), ints("one", [1]), ints("minus_one", [-1]),
                  ints("r0", 10), ints("r1", 1), ints("r2", -3)])


def movement_ops():
    """One node of each data-movement operator on runtime inputs."""
    nodes = [
        helper.make_node("Concat", ["a", "b"], ["cat"], name="cat", axis=-1),
        helper.make_node("Slice", ["cat", "starts", "ends", "axes", "steps"],
                         ["sl"], name="slice"),
        helper.make_node("Split", ["a", "split"], ["s0", "s1"], name="split",
                         axis=1),
        helper.make_node("Unsqueeze", ["s0", "axes0"], ["u"], name="unsqueeze"),
        helper.make_node("Squeeze", ["u", "axes0"], ["sq"], name="squeeze"),
        helper.make_node("Tile", ["a", "reps"], ["tile"], name="tile"),
        helper.make_node("Trilu", ["a", "k"], ["tri"], name="trilu", upper=0),
        helper.make_node("Pad", ["a", "pads"], ["pad"], name="pad",
                         mode="reflect"),
        helper.make_node("DepthToSpace", ["d"], ["d2s"], name="d2s",
                         blocksize=2, mode="CRD"),
        helper.make_node("SpaceToDepth", ["d2s"], ["s2d"], name="s2d",
                         blocksize=2),
    ]
    return model(nodes, "movement_ops",
                 [fvi("a", [2, 3]), fvi("b", [2, 5]), fvi("d", [1, 8, 2, 3])],
                 [fvi("sl", [2, 3]), fvi("s1", [2, 2]), fvi("sq", [2, 1]),
                  fvi("tile", [4, 3]), fvi("tri", [2, 3]), fvi("pad", [2, 3]),
                  fvi("s2d", [1, 8, 2, 3])],
                 [ints("starts", [-1]), ints("ends", [-100]), ints("axes", [1]),
                  ints("steps", [-3]), ints("split", [1, 2]), ints("axes0", [0]),
                  ints("reps", [2, 1]), ints("k", 1),
                  ints("pads", [0, 1, 0, -1])])


def runtime_data():
    """Trilu's k and Pad's constant_value as graph inputs: data, not shapes,
    so they stay run-time operands of the kiln ops."""
    nodes = [
        helper.make_node("Trilu", ["x", "k"], ["tri"], name="trilu"),
        helper.make_node("Pad", ["x", "pads", "v"], ["pad"], name="pad"),
        helper.make_node("Pad", ["x", "pads", "v"], ["edge"], name="edge",
                         mode="edge"),
    ]
    return model(nodes, "runtime_data",
                 [fvi("x", [2, 3]),
                  helper.make_tensor_value_info("k", TensorProto.INT64, []),
                  fvi("v", [])],
                 [fvi("tri", [2, 3]), fvi("pad", [3, 5]), fvi("edge", [3, 5])],
                 [ints("pads", [1, 0, 0, 2])])


def trilu_bad_k():
    """A run-time k of two elements is not a scalar."""
    nodes = [helper.make_node("Trilu", ["x", "k"], ["y"], name="trilu")]
    return model(nodes, "trilu_bad_k",
                 [fvi("x", [2, 3]),
                  helper.make_tensor_value_info("k", TensorProto.INT64, [2])],
                 [fvi("y", [2, 3])], check=False)


def shape_input():
    """A Reshape whose shape arrives at run time: not importable."""
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")]
    return model(nodes, "shape_input",
                 [fvi("x", [2, 3]),
                  helper.make_tensor_value_info("shape", TensorProto.INT64, [2])],
                 [fvi("y", [3, 2])], check=False)


def pad_wrap():
    """Pad mode 'wrap' (opset 19) is not supported: reported before import."""
    nodes = [helper.make_node("Pad", ["x", "pads"], ["y"], name="pad",
                              mode="wrap")]
    return model(nodes, "pad_wrap", [fvi("x", [2, 3])], [fvi("y", [2, 5])],
                 [ints("pads", [0, 1, 0, 1])], check=False)


def main(argv):
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    for make in (shape_chain, movement_ops, runtime_data, trilu_bad_k,
                 shape_input, pad_wrap):
        onnx.save(make(), os.path.join(out, make.__name__ + ".onnx"))


if __name__ == "__main__":
    main(sys.argv)

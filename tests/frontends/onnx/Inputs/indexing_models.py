#!/usr/bin/python3
"""Write the small ONNX models of indexing*.test into OUTDIR (deterministic)."""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(outdir, name, nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(graph, producer_name="kiln-indexing-test",
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(outdir, name + ".onnx"))


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    f, i64 = TensorProto.FLOAT, TensorProto.INT64
    # Every op of the group, with negative axes to normalise.
    save(outdir, "indexing_ops", [
        helper.make_node("Gather", ["x", "i"], ["g"], axis=-1, name="gather"),
        helper.make_node("GatherElements", ["x", "e"], ["ge"], axis=1,
                         name="gather_elements"),
        helper.make_node("GatherND", ["x", "n"], ["gn"], name="gather_nd"),
        helper.make_node("ScatterElements", ["x", "e", "u"], ["se"], axis=-1,
                         reduction="add", name="scatter_elements"),
        helper.make_node("ScatterND", ["x", "n", "v"], ["sn"],
                         reduction="mul", name="scatter_nd"),
        helper.make_node("OneHot", ["i", "depth", "values"], ["oh"],
                         axis=-2, name="one_hot"),
        helper.make_node("Resize", ["x", "", "scales"], ["rs"],
                         mode="linear", name="resize_scales"),
        helper.make_node("Resize", ["x", "", "", "sizes"], ["rz"],
                         mode="nearest", nearest_mode="ceil",
                         coordinate_transformation_mode="asymmetric",
                         name="resize_sizes"),
    ], [vi("x", f, [3, 4]), vi("i", i64, [2]), vi("e", i64, [3, 2]),
        vi("n", i64, [2, 1]), vi("u", f, [3, 2]), vi("v", f, [2, 4])],
        [vi("g", f, [3, 2]), vi("ge", f, [3, 2]), vi("gn", f, [2, 4]),
         vi("se", f, [3, 4]), vi("sn", f, [3, 4]), vi("oh", f, [5, 2]),
         vi("rs", f, [6, 6]), vi("rz", f, [4, 8])],
        [numpy_helper.from_array(np.array(5, np.int64), "depth"),
         numpy_helper.from_array(np.array([0, 1], np.float32), "values"),
         numpy_helper.from_array(np.array([2, 1.5], np.float32), "scales"),
         numpy_helper.from_array(np.array([4, 8], np.int64), "sizes")])
    # Shape-deciding inputs that are graph inputs.
    save(outdir, "indexing_runtime_scales", [
        helper.make_node("Resize", ["x", "", "scales"], ["y"], name="resize"),
    ], [vi("x", f, [1, 2]), vi("scales", f, [2])], [vi("y", f, ["d0", "d1"])])
    save(outdir, "indexing_runtime_depth", [
        helper.make_node("OneHot", ["i", "depth", "values"], ["y"],
                         name="one_hot"),
    ], [vi("i", i64, [3]), vi("depth", i64, []), vi("values", f, [2])],
        [vi("y", f, ["d0", "d1"])])
    save(outdir, "indexing_bad_attrs", [
        helper.make_node("Resize", ["x", "", "scales"], ["y"],
                         mode="bicubic", name="resize"),
        helper.make_node("ScatterND", ["x", "n", "v"], ["z"],
                         reduction="max", name="scatter"),
    ], [vi("x", f, [2, 2]), vi("n", i64, [1, 1]), vi("v", f, [1, 2])],
        [vi("y", f, ["d0", "d1"]), vi("z", f, [2, 2])],
        [numpy_helper.from_array(np.array([1, 2], np.float32), "scales")])
    # Upsample (opset 9) reaches kiln as Resize through version conversion.
    save(outdir, "indexing_upsample", [
        helper.make_node("Upsample", ["x", "scales"], ["y"], mode="nearest",
                         name="upsample"),
    ], [vi("x", f, [1, 1, 2, 2])], [vi("y", f, [1, 1, 4, 6])],
        [numpy_helper.from_array(np.array([1, 1, 2, 3], np.float32),
                                 "scales")], opset=9)
    save(outdir, "indexing_upsample_linear", [
        helper.make_node("Upsample", ["x", "scales"], ["y"], mode="linear",
                         name="upsample"),
    ], [vi("x", f, [1, 1, 2, 2])], [vi("y", f, [1, 1, 3, 5])],
        [numpy_helper.from_array(np.array([1, 1, 1.5, 2.5], np.float32),
                                 "scales")], opset=9)
    # Opsets 7 and 8 give the scales as an attribute.
    save(outdir, "indexing_upsample_attr", [
        helper.make_node("Upsample", ["x"], ["y"], scales=[1.0, 1.25],
                         name="upsample"),
    ], [vi("x", f, [2, 4])], [vi("y", f, [2, 5])], opset=7)
    # Resize-10 had Upsample's coordinates; it may shrink.
    save(outdir, "indexing_resize10", [
        helper.make_node("Resize", ["x", "scales"], ["y"], mode="linear",
                         name="resize"),
    ], [vi("x", f, [2, 4])], [vi("y", f, [1, 6])],
        [numpy_helper.from_array(np.array([0.5, 1.5], np.float32),
                                 "scales")], opset=10)
    save(outdir, "indexing_upsample_shrink", [
        helper.make_node("Upsample", ["x", "scales"], ["y"], name="upsample"),
    ], [vi("x", f, [2, 4])], [vi("y", f, [2, 2])],
        [numpy_helper.from_array(np.array([1, 0.5], np.float32),
                                 "scales")], opset=9)


if __name__ == "__main__":
    main(sys.argv[1])

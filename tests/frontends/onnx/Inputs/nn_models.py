#!/usr/bin/python3
"""Small ONNX models of the NN op group for tests/frontends/onnx/nn-ops.test.

Usage: /usr/bin/python3 nn_models.py OUTDIR
Each model is one node (opset 17) with constant weights where the importer
needs them.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(outdir, name, nodes, inputs, outputs, inits=(), check=True):
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              initializer=list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    if check:
        onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(outdir, name + ".onnx"))


def f(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    w = const("w", np.ones((2, 3, 3, 3), np.float32))
    # output_shape [10, 8] from a 3x3 input, strides [3, 2]: the full output
    # is 9x7, so the end pads are -1 (the output grows at the end).
    save(outdir, "convtranspose_output_shape",
         [helper.make_node("ConvTranspose", ["x", "w"], ["y"],
                           strides=[3, 2], output_shape=[10, 8])],
         [f("x", [1, 2, 3, 3])], [f("y", [1, 3, 10, 8])], [w])
    # SAME_UPPER: output = input * stride, total padding 1 goes to the end.
    save(outdir, "convtranspose_same_upper",
         [helper.make_node("ConvTranspose", ["x", "w"], ["y"],
                           strides=[2, 2], auto_pad="SAME_UPPER")],
         [f("x", [1, 2, 3, 3])], [f("y", [1, 3, 6, 6])], [w])
    save(outdir, "maxpool_indices",
         [helper.make_node("MaxPool", ["x"], ["y", "i"], kernel_shape=[2, 2],
                           storage_order=1)],
         [f("x", [1, 1, 4, 4])],
         [f("y", [1, 1, 3, 3]),
          helper.make_tensor_value_info("i", TensorProto.INT64, [1, 1, 3, 3])])
    save(outdir, "layernorm",
         [helper.make_node("LayerNormalization", ["x", "s", "b"],
                           ["y", "m", "r"], axis=-2, epsilon=0.01)],
         [f("x", [2, 3, 4]), f("s", [3, 4]), f("b", [4])],
         [f("y", [2, 3, 4]), f("m", [2, 1, 1]), f("r", [2, 1, 1])])
    save(outdir, "layernorm_stash_double",
         [helper.make_node("LayerNormalization", ["x", "s"], ["y"],
                           stash_type=11)],
         [f("x", [2, 3]), f("s", [3])], [f("y", [2, 3])])
    save(outdir, "dropout_mask",
         [helper.make_node("Dropout", ["x", "r"], ["y", "mask"])],
         [f("x", [2, 3])],
         [f("y", [2, 3]),
          helper.make_tensor_value_info("mask", TensorProto.BOOL, [2, 3])],
         [const("r", np.float32(0.3))])
    save(outdir, "dropout_training",
         [helper.make_node("Dropout", ["x", "r", "t"], ["y"])],
         [f("x", [2, 3])], [f("y", [2, 3])],
         [const("r", np.float32(0.3)), const("t", np.bool_(True))])
    save(outdir, "dropout_training_zero_ratio",
         [helper.make_node("Dropout", ["x", "r", "t"], ["y"])],
         [f("x", [2, 3])], [f("y", [2, 3])],
         [const("r", np.float32(0.0)), const("t", np.bool_(True))])
    # training_mode as a graph input: with a constant ratio 0 both modes
    # compute the same; with ratio 0.3 (or the default 0.5) or a run-time
    # ratio, training would draw a random mask.
    bool_input = helper.make_tensor_value_info("t", TensorProto.BOOL, [])
    save(outdir, "dropout_runtime_training_zero_ratio",
         [helper.make_node("Dropout", ["x", "r", "t"], ["y", "mask"])],
         [f("x", [2, 3]), bool_input],
         [f("y", [2, 3]),
          helper.make_tensor_value_info("mask", TensorProto.BOOL, [2, 3])],
         [const("r", np.float32(0.0))])
    save(outdir, "dropout_runtime_training",
         [helper.make_node("Dropout", ["x", "r", "t"], ["y"])],
         [f("x", [2, 3]), bool_input], [f("y", [2, 3])],
         [const("r", np.float32(0.3))])
    save(outdir, "dropout_runtime_training_default_ratio",
         [helper.make_node("Dropout", ["x", "", "t"], ["y"])],
         [f("x", [2, 3]), bool_input], [f("y", [2, 3])])
    save(outdir, "dropout_runtime_training_runtime_ratio",
         [helper.make_node("Dropout", ["x", "r", "t"], ["y"])],
         [f("x", [2, 3]), f("r", []), bool_input], [f("y", [2, 3])])
    save(outdir, "batchnorm_training",
         [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"],
                           ["y", "rm", "rv"], training_mode=1, momentum=0.8)],
         [f("x", [2, 3, 4]), f("s", [3]), f("b", [3]), f("m", [3]),
          f("v", [3])],
         [f("y", [2, 3, 4]), f("rm", [3]), f("rv", [3])])
    save(outdir, "mvn_lrn",
         [helper.make_node("MeanVarianceNormalization", ["x"], ["t"],
                           axes=[-1, 0]),
          helper.make_node("LRN", ["t"], ["y"], size=5, alpha=0.001),
          helper.make_node("InstanceNormalization", ["y", "c", "c"], ["z"],
                           epsilon=0.1),
          helper.make_node("GlobalMaxPool", ["z"], ["g"]),
          helper.make_node("LpPool", ["z"], ["p"], kernel_shape=[2], p=3)],
         [f("x", [2, 3, 4]), f("c", [3])],
         [f("g", [2, 3, 1]), f("p", [2, 3, 3])])


if __name__ == "__main__":
    main(sys.argv[1])

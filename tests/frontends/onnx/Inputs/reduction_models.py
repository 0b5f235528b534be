"""Writes the small ONNX models of reduction.test into the directory argv[1]."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(name, nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.save(model, os.path.join(out, name + ".onnx"))


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def i64(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.INT64, shape)


def const(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


# Negative axes are normalised and sorted; keepdims=0 drops them; an empty
# axes input with noop_with_empty_axes is no op; TopK's K from an initializer.
save("reductions",
     [helper.make_node("ReduceMean", ["x"], ["mean"], axes=[-1, 0], keepdims=0),
      helper.make_node("ReduceSum", ["x", "no_axes"], ["same"], noop_with_empty_axes=1),
      helper.make_node("ReduceSum", ["x"], ["total"], keepdims=0),
      helper.make_node("ArgMax", ["x"], ["arg"], axis=-2, select_last_index=1),
      helper.make_node("TopK", ["x", "k"], ["values", "indices"], axis=1, largest=0),
      helper.make_node("CumSum", ["x", "axis"], ["cum"], reverse=1)],
     [f32("x", [3, 4, 2])],
     [f32("mean", [4]), f32("same", [3, 4, 2]), f32("total", []), i64("arg", [3, 1, 2]),
      f32("values", [3, 2, 2]), i64("indices", [3, 2, 2]), f32("cum", [3, 4, 2])],
     [const("no_axes", np.zeros([0])), const("k", [2]), const("axis", -1)])

# Both SoftmaxCrossEntropyLoss outputs, ignore_index, weights.
save("sce",
     [helper.make_node("SoftmaxCrossEntropyLoss", ["x", "t", "w"], ["loss", "log_prob"],
                       reduction="sum", ignore_index=-1)],
     [f32("x", [3, 5, 2]), i64("t", [3, 2]), f32("w", [5])],
     [f32("loss", []), f32("log_prob", [3, 5, 2])])

# Opset 11 Softmax: the loader converts it to opset 13 semantics.
save("softmax_opset11",
     [helper.make_node("Softmax", ["x"], ["y"], axis=1)],
     [f32("x", [2, 3, 4])], [f32("y", [2, 3, 4])], opset=11)

# Axes given as a graph input cannot be baked by kiln itself.
save("axes_input",
     [helper.make_node("ReduceSum", ["x", "axes"], ["y"])],
     [f32("x", [3, 4]), i64("axes", [1])], [f32("y", [1, 4])])

# An unsupported reduction value is reported before import.
save("bad_reduction",
     [helper.make_node("NegativeLogLikelihoodLoss", ["x", "t"], ["loss"], reduction="max")],
     [f32("x", [3, 5]), i64("t", [3])], [f32("loss", [])])

# Opset 11 Hardmax: ONNX's converter does not adapt it; the importer does.
# No axis attribute: the opset-11 default is 1.
save("hardmax_opset11",
     [helper.make_node("Hardmax", ["x"], ["y"])],
     [f32("x", [2, 3, 4])], [f32("y", [2, 3, 4])], opset=11)

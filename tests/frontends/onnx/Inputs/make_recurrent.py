#!/usr/bin/python3
"""Small RNN/LSTM/GRU models for tests/frontends/onnx/recurrent.test.

Usage: /usr/bin/python3 make_recurrent.py OUTDIR
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(outdir, name, nodes, inputs, outputs, inits, check=True):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    if check:
        onnx.checker.check_model(model)
    onnx.save(model, os.path.join(outdir, name + ".onnx"))


def weights(*shape):
    return np.full(shape, 0.1, dtype=np.float32)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [4, 2, 3])
    # LSTM without hidden_size (taken from R), with a LeakyRelu whose alpha
    # comes from activation_alpha, only Y_h and Y_c requested.
    save(outdir, "lstm_defaults",
         [helper.make_node("LSTM", ["X", "W", "R"], ["", "Y_h", "Y_c"],
                           name="lstm_1",
                           activations=["Sigmoid", "LeakyRelu", "tanh"],
                           activation_alpha=[0.3])],
         [x], [helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, 2, 5]),
               helper.make_tensor_value_info("Y_c", TensorProto.FLOAT, [1, 2, 5])],
         [numpy_helper.from_array(weights(1, 20, 3), "W"),
          numpy_helper.from_array(weights(1, 20, 5), "R")])
    # Every unsupported attribute value at once.
    save(outdir, "rnn_unsupported",
         [helper.make_node("RNN", ["X", "W", "R"], ["Y"], name="rnn_bad_direction",
                           hidden_size=5, direction="sideways"),
          helper.make_node("GRU", ["X", "Wg", "Rg"], ["Yg"], name="gru_bad",
                           hidden_size=5, activations=["Sigmoid", "Swish"])],
         [x], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["s", "d", "n", "h"]),
               helper.make_tensor_value_info("Yg", TensorProto.FLOAT, ["s", "d", "n", "h"])],
         [numpy_helper.from_array(weights(1, 5, 3), "W"),
          numpy_helper.from_array(weights(1, 5, 5), "R"),
          numpy_helper.from_array(weights(1, 15, 3), "Wg"),
          numpy_helper.from_array(weights(1, 15, 5), "Rg")], check=False)
    # hidden_size disagrees with R: the shape rule names the node.
    save(outdir, "gru_bad_hidden_size",
         [helper.make_node("GRU", ["X", "W", "R"], ["", "Y_h"], name="gru_2",
                           hidden_size=4)],
         [x], [helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, 2, 4])],
         [numpy_helper.from_array(weights(1, 15, 3), "W"),
          numpy_helper.from_array(weights(1, 15, 5), "R")], check=False)


if __name__ == "__main__":
    main()

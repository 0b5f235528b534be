#!/usr/bin/python3
"""Write the ONNX models of activation.test into OUTDIR.

Usage: /usr/bin/python3 activation_models.py OUTDIR

Small models of the activation, trigonometric and Einsum importers: every
attribute given and every default taken, PRelu with a broadcast slope, Einsum
with `...` and an implicit result, and models the importer must reject.
Deterministic; writes only into OUTDIR.
"""

import os
import sys

import onnx
from onnx import TensorProto, helper

OPSET = 17


def model(nodes, inputs, outputs, check=True):
    graph = helper.make_graph(nodes, "activation", inputs, outputs)
    m = helper.make_model(graph, producer_name="kiln-activation-test",
                          opset_imports=[helper.make_opsetid("", OPSET)])
    m.ir_version = 8
    if check:
        onnx.checker.check_model(m, full_check=True)
    return m


def fvi(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def activations():
    """Every activation once with its attributes, once with the defaults."""
    nodes, outputs = [], []
    specs = [
        ("LeakyRelu", {"alpha": 0.25}), ("LeakyRelu", {}),
        ("Elu", {"alpha": 2.0}), ("Elu", {}),
        ("Selu", {"alpha": 2.0, "gamma": 3.0}), ("Selu", {}),
        ("Celu", {"alpha": 2.0}), ("Celu", {}),
        ("HardSigmoid", {"alpha": 0.5, "beta": 0.25}), ("HardSigmoid", {}),
        ("HardSwish", {}), ("Softplus", {}), ("Softsign", {}),
        ("ThresholdedRelu", {"alpha": 2.0}), ("ThresholdedRelu", {}),
        ("Shrink", {"lambd": 1.5, "bias": 0.5}), ("Shrink", {}),
        ("Sin", {}), ("Cos", {}), ("Tan", {}), ("Asin", {}), ("Acos", {}),
        ("Atan", {}), ("Sinh", {}), ("Cosh", {}), ("Asinh", {}),
        ("Acosh", {}), ("Atanh", {}),
    ]
    for i, (op, attrs) in enumerate(specs):
        out = "y%d" % i
        nodes.append(helper.make_node(op, ["x"], [out], name="%s_%d" % (op.lower(), i), **attrs))
        outputs.append(fvi(out, [2, 3]))
    nodes.append(helper.make_node("PRelu", ["x4", "slope"], ["p"], name="prelu"))
    outputs.append(fvi("p", [4, 2, 3]))
    return model(nodes, [fvi("x", [2, 3]), fvi("x4", [4, 2, 3]), fvi("slope", [2, 1])],
                 outputs)


def einsum():
    """Einsum equations the importer makes explicit."""
    f64 = TensorProto.DOUBLE
    eq = [
        ("bij, bjk -> bik", ["a", "b"], [5, 2, 4]),  # spaces, explicit result
        ("...ii ->...i", ["d"], [3, 5]),              # ellipsis and diagonal
        ("i,i", ["v", "v"], []),                      # implicit scalar result
        ("ji", ["m"], [3, 4]),                        # implicit result sorts letters
        ("...j,jk", ["e", "m"], [7, 3, 3]),           # implicit result keeps ... first
    ]
    nodes, outputs = [], []
    for i, (equation, ins, shape) in enumerate(eq):
        out = "z%d" % i
        nodes.append(helper.make_node("Einsum", ins, [out], name="einsum_%d" % i,
                                      equation=equation))
        outputs.append(fvi(out, shape, f64))
    inputs = [fvi("a", [5, 2, 3], f64), fvi("b", [5, 3, 4], f64), fvi("d", [3, 5, 5], f64),
              fvi("v", [5], f64), fvi("m", [4, 3], f64), fvi("e", [7, 3, 4], f64)]
    return model(nodes, inputs, outputs)


def einsum_size_mismatch():
    """An Einsum whose letter j is 3 in one operand and 5 in the other (ONNX
    shape inference lets this pass)."""
    node = helper.make_node("Einsum", ["a", "b"], ["y"], name="bad_einsum",
                            equation="ij,jk->ik")
    return model([node], [fvi("a", [2, 3]), fvi("b", [5, 4])], [fvi("y", [2, 4])],
                 check=False)


def prelu_bad_slope():
    """A PRelu whose slope does not broadcast to the input."""
    node = helper.make_node("PRelu", ["x", "slope"], ["y"], name="bad_prelu")
    return model([node], [fvi("x", [3, 4]), fvi("slope", [3])], [fvi("y", [3, 4])],
                 check=False)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, make in [("activations", activations), ("einsum", einsum),
                       ("einsum_size_mismatch", einsum_size_mismatch),
                       ("prelu_bad_slope", prelu_bad_slope)]:
        onnx.save(make(), os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    main()

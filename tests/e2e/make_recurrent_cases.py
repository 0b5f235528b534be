#!/usr/bin/python3
"""ONNX RNN/LSTM/GRU nodes beyond the backend tests, with NumPy references.

Usage: /usr/bin/python3 make_recurrent_cases.py OUTDIR [--run KILN]

Writes CASE.onnx, CASE_in{K}.npy (graph inputs, in order) and
CASE_out{K}.npy (the reference of each output, in order) for every case
below, and OUTDIR/cases.txt with one line per case:
`CASE -i IN0 -i IN1 ... --expect OUT0 ...` (arguments of `kiln run`).
The references follow the ONNX operator definitions written out in NumPy
here, independent of kiln: directions, sequence_lens (state kept and Y zero
beyond a batch entry's length), layout 1, peepholes, clip, input_forget,
linear_before_reset, and activations with alpha/beta. W, R, B, P are
initializers; X, sequence_lens and the initial states are graph inputs.

With --run KILN, also runs `KILN run` on every case (f32 tolerances rtol
1e-4, atol 1e-5), prints `CASE: ok` or `CASE: FAILED` plus kiln's output,
and exits 1 if any case failed.
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ACTS = {
    "Relu": lambda x, a, b: np.maximum(x, 0),
    "Tanh": lambda x, a, b: np.tanh(x),
    "Sigmoid": lambda x, a, b: 1 / (1 + np.exp(-x)),
    "Affine": lambda x, a, b: a * x + b,
    "LeakyRelu": lambda x, a, b: np.where(x < 0, a * x, x),
    "ThresholdedRelu": lambda x, a, b: np.where(x > a, x, 0),
    "ScaledTanh": lambda x, a, b: a * np.tanh(b * x),
    "HardSigmoid": lambda x, a, b: np.clip(a * x + b, 0, 1),
    "Elu": lambda x, a, b: np.where(x < 0, a * (np.exp(x) - 1), x),
    "Softsign": lambda x, a, b: x / (1 + np.abs(x)),
    "Softplus": lambda x, a, b: np.log(1 + np.exp(x)),
}
TAKES = {"Affine": (1, 1), "LeakyRelu": (1, 0), "ThresholdedRelu": (1, 0),
         "ScaledTanh": (1, 1), "HardSigmoid": (1, 1), "Elu": (1, 0)}
DEFAULTS = {"Affine": (1.0, 0.0), "LeakyRelu": (0.01, 0.0),
            "ThresholdedRelu": (1.0, 0.0), "ScaledTanh": (1.0, 1.0),
            "HardSigmoid": (0.2, 0.5), "Elu": (1.0, 0.0)}
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}
DEFAULT_ACTS = {"RNN": ["Tanh"], "LSTM": ["Sigmoid", "Tanh", "Tanh"],
                "GRU": ["Sigmoid", "Tanh"]}


def resolve_activations(op, dirs, acts, alphas, betas):
    names = acts or DEFAULT_ACTS[op] * dirs
    ai = bi = 0
    out = []
    for name in names:
        a, b = DEFAULTS.get(name, (0.0, 0.0))
        ta, tb = TAKES.get(name, (0, 0))
        if ta and ai < len(alphas):
            a, ai = alphas[ai], ai + 1
        if tb and bi < len(betas):
            b, bi = betas[bi], bi + 1
        out.append(lambda x, f=ACTS[name], a=a, b=b: f(x, a, b))
    return out


def reference(op, x, w, r, b, lens, h0, c0, p, hidden, direction, acts,
              clip, input_forget, lbr, layout):
    """ONNX semantics, layout 0 inside; returns Y, Y_h[, Y_c]."""
    if layout == 1:
        x = x.swapaxes(0, 1)
        h0 = None if h0 is None else h0.swapaxes(0, 1)
        c0 = None if c0 is None else c0.swapaxes(0, 1)
    seq, batch, _ = x.shape
    dirs = 2 if direction == "bidirectional" else 1
    g = GATES[op]
    H = hidden
    if lens is None:
        lens = np.full(batch, seq)
    y = np.zeros((seq, dirs, batch, H))
    yh = np.zeros((dirs, batch, H))
    yc = np.zeros((dirs, batch, H))
    per = len(DEFAULT_ACTS[op])
    cl = (lambda v: np.clip(v, -clip, clip)) if clip else (lambda v: v)
    for d in range(dirs):
        f = acts[d * per:(d + 1) * per]
        W, R = w[d], r[d]
        Wb = b[d, :g * H] if b is not None else np.zeros(g * H)
        Rb = b[d, g * H:] if b is not None else np.zeros(g * H)
        P = p[d] if p is not None else np.zeros(3 * H)
        reverse = direction == "reverse" or d == 1
        for n in range(batch):
            h = h0[d, n] if h0 is not None else np.zeros(H)
            c = c0[d, n] if c0 is not None else np.zeros(H)
            steps = range(lens[n])
            for t in (reversed(steps) if reverse else steps):
                xt = x[t, n]
                if op == "RNN":
                    h = f[0](cl(W @ xt + R @ h + Wb + Rb))
                elif op == "LSTM":
                    gx = W @ xt + R @ h + Wb + Rb
                    gi, go, gf, gc = np.split(gx, 4)
                    pi, po, pf = np.split(P, 3)
                    i = f[0](cl(gi + pi * c))
                    ff = 1 - i if input_forget else f[0](cl(gf + pf * c))
                    c = ff * c + i * f[1](cl(gc))
                    o = f[0](cl(go + po * c))
                    h = o * f[2](c)
                else:
                    Wz, Wr, Wh = np.split(W, 3)
                    Rz, Rr, Rh = np.split(R, 3)
                    wbz, wbr, wbh = np.split(Wb, 3)
                    rbz, rbr, rbh = np.split(Rb, 3)
                    z = f[0](cl(Wz @ xt + Rz @ h + wbz + rbz))
                    rr = f[0](cl(Wr @ xt + Rr @ h + wbr + rbr))
                    if lbr:
                        hh = f[1](cl(Wh @ xt + rr * (Rh @ h + rbh) + wbh))
                    else:
                        hh = f[1](cl(Wh @ xt + Rh @ (rr * h) + rbh + wbh))
                    h = (1 - z) * hh + z * h
                y[t, d, n] = h
            yh[d, n] = h
            yc[d, n] = c
    if layout == 1:
        y = y.transpose(2, 0, 1, 3)
        yh = yh.swapaxes(0, 1)
        yc = yc.swapaxes(0, 1)
    outs = [y, yh] + ([yc] if op == "LSTM" else [])
    return [o.astype(np.float32) for o in outs]


def make_case(outdir, name, op, seq=4, batch=3, features=5, hidden=6,
              direction="forward", bias=True, lens=None, h0=False, c0=False,
              peep=False, acts=None, alphas=(), betas=(), clip=None,
              input_forget=0, lbr=0, layout=0, outputs=("Y", "Y_h", "Y_c"),
              seed=0):
    rng = np.random.default_rng(seed)
    dirs = 2 if direction == "bidirectional" else 1
    g = GATES[op]
    rnd = lambda *s: rng.uniform(-0.6, 0.6, s).astype(np.float32)
    x = rnd(*((seq, batch, features) if layout == 0 else (batch, seq, features)))
    w, r = rnd(dirs, g * hidden, features), rnd(dirs, g * hidden, hidden)
    b = rnd(dirs, 2 * g * hidden) if bias else None
    p = rnd(dirs, 3 * hidden) if peep else None
    state = (dirs, batch, hidden) if layout == 0 else (batch, dirs, hidden)
    h0v = rnd(*state) if h0 else None
    c0v = rnd(*state) if c0 else None
    lensv = np.array(lens, dtype=np.int32) if lens is not None else None

    inits, inputs, feeds, node_inputs = [], [], [], []

    def graph_input(nm, v, elem=TensorProto.FLOAT):
        inputs.append(helper.make_tensor_value_info(nm, elem, v.shape))
        feeds.append(v)
        node_inputs.append(nm)

    def initializer(nm, v):
        inits.append(numpy_helper.from_array(v, nm))
        node_inputs.append(nm)

    graph_input("X", x)
    initializer("W", w)
    initializer("R", r)
    for nm, v, kind in (("B", b, "init"), ("sequence_lens", lensv, "in"),
                        ("initial_h", h0v, "in"), ("initial_c", c0v, "in"),
                        ("P", p, "init")):
        if op != "LSTM" and nm in ("initial_c", "P"):
            continue
        if v is None:
            node_inputs.append("")
        elif kind == "init":
            initializer(nm, v)
        else:
            graph_input(nm, v, TensorProto.INT32 if nm == "sequence_lens"
                        else TensorProto.FLOAT)
    while node_inputs and node_inputs[-1] == "":
        node_inputs.pop()

    attrs = {"hidden_size": hidden, "direction": direction}
    if acts:
        attrs["activations"] = acts
    if alphas:
        attrs["activation_alpha"] = list(alphas)
    if betas:
        attrs["activation_beta"] = list(betas)
    if clip:
        attrs["clip"] = clip
    if layout:
        attrs["layout"] = layout
    if op == "LSTM" and input_forget:
        attrs["input_forget"] = input_forget
    if op == "GRU" and lbr:
        attrs["linear_before_reset"] = lbr

    refs = reference(op, x.astype(np.float64), w, r, b, lensv, h0v, c0v, p,
                     hidden, direction,
                     resolve_activations(op, dirs, acts, alphas, betas), clip,
                     input_forget, lbr, layout)
    all_outputs = ["Y", "Y_h", "Y_c"][:len(refs)]
    node_outputs = [o if o in outputs else "" for o in all_outputs]
    while node_outputs[-1] == "":
        node_outputs.pop()
    graph_outputs = [helper.make_tensor_value_info(o, TensorProto.FLOAT, ref.shape)
                     for o, ref in zip(all_outputs, refs) if o in outputs]
    expected = [ref for o, ref in zip(all_outputs, refs) if o in outputs]
    node = helper.make_node(op, node_inputs, node_outputs, name=name, **attrs)
    graph = helper.make_graph([node], name, inputs, graph_outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(outdir, name + ".onnx"))
    args = [name]
    for k, v in enumerate(feeds):
        np.save(os.path.join(outdir, f"{name}_in{k}.npy"), v)
        args += ["-i", os.path.join(outdir, f"{name}_in{k}.npy")]
    for k, v in enumerate(expected):
        np.save(os.path.join(outdir, f"{name}_out{k}.npy"), v)
        args += ["--expect", os.path.join(outdir, f"{name}_out{k}.npy")]
    return " ".join(args)


CASES = [
    ("rnn_forward", "RNN", {}),
    ("rnn_reverse_relu", "RNN", dict(direction="reverse", acts=["Relu"])),
    ("rnn_bidirectional_lens", "RNN",
     dict(direction="bidirectional", lens=[4, 2, 0], h0=True,
          acts=["Tanh", "LeakyRelu"], alphas=[0.2])),
    ("rnn_layout1", "RNN", dict(layout=1, h0=True, direction="bidirectional")),
    ("lstm_forward", "LSTM", dict(h0=True, c0=True)),
    ("lstm_no_bias_y_h_only", "LSTM", dict(bias=False, outputs=("Y_h",))),
    ("lstm_peepholes_lens", "LSTM",
     dict(peep=True, lens=[1, 4, 3], h0=True, c0=True)),
    ("lstm_bidirectional_layout1", "LSTM",
     dict(direction="bidirectional", layout=1, h0=True, c0=True, peep=True,
          lens=[3, 4, 2])),
    ("lstm_reverse_clip", "LSTM", dict(direction="reverse", clip=0.4)),
    ("lstm_input_forget", "LSTM", dict(input_forget=1)),
    ("lstm_activations", "LSTM",
     dict(acts=["HardSigmoid", "ScaledTanh", "Softsign"],
          alphas=[0.3, 0.9], betas=[0.4, 1.1])),
    ("lstm_more_activations", "LSTM",
     dict(direction="bidirectional",
          acts=["Sigmoid", "Elu", "Softplus", "Sigmoid", "Affine",
                "ThresholdedRelu"],
          alphas=[0.7, 0.5, 0.1], betas=[0.2])),
    ("gru_forward_lbr", "GRU", dict(lbr=1, h0=True)),
    ("gru_forward", "GRU", dict(lbr=0)),
    ("gru_bidirectional_lens", "GRU",
     dict(direction="bidirectional", lens=[2, 4, 1], h0=True)),
    ("gru_reverse_lbr_lens_layout1", "GRU",
     dict(direction="reverse", lbr=1, lens=[3, 0, 4], layout=1, h0=True)),
    ("gru_clip_no_bias", "GRU", dict(clip=0.3, bias=False)),
]


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    lines = [make_case(outdir, name, op, seed=k, **kw)
             for k, (name, op, kw) in enumerate(CASES)]
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

"""memory_plans.py - scratch-arena sizes of kiln's memory planner on real models.

Usage: /usr/bin/python3 bench/memory_plans.py [--kiln PATH] [--out FILE]

Builds the test fixtures (tests/fixtures/make_fixtures.py, PyTorch exports
included) and exports the LSTM, GRU, DCGAN and transformer models of the
benchmark suite (bench/models.py) into a temporary directory, then compiles
each model with `kiln compile --memory-plan`, once with buffer reuse (the
default) and once with --no-memory-reuse, and reads the last line of each
plan table:

    arena A B (...), lower bound L B (...), ratio R; naive N B (...), saves S%

The lower bound is the largest set of buffers live at one time; the naive sum
gives every buffer its own slot. A model kiln cannot compile is listed with
the operators `kiln inspect` reports missing.

Writes a markdown report to --out (default docs/memory-plans.md in the
repository) headed by the date, the command and `kiln --version`, and copies
LeNet's plan picture to images/lenet-memory-plan.svg next to it.
"""
import argparse
import datetime
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MAKE_FIXTURES = os.path.join(ROOT, "tests", "fixtures", "make_fixtures.py")

# (title, fixture, --name, what it is)
MODELS = [
    ("MLP", "mlp.onnx", "mlp",
     "4 Linear layers with ReLU/Sigmoid/Tanh, input [2, 4]"),
    ("LeNet", "lenet.onnx", "lenet",
     "2 Conv (+ BatchNormalization), MaxPool, AveragePool, 3 Gemm, "
     "LogSoftmax, input [1, 1, 28, 28]"),
    ("ResNet-style", "resnet_block.onnx", "resnet",
     "stem Conv+BN+ReLU, 2 BasicBlocks (the second stride 2 with a 1x1 "
     "downsample), residual Adds, GlobalAveragePool, Gemm, input [1, 3, 32, 32]"),
    ("MobileNet-style", "mobilenet_block.onnx", "mobilenet",
     "stride-2 stem, 2 depthwise-separable blocks (depthwise 3x3 + pointwise "
     "1x1, BN folded into Conv), GlobalAveragePool, Gemm, input [1, 3, 32, 32]"),
]

# (title, bench/models.py SUITE name)
SUITE_MODELS = [
    ("LSTM classifier", "lstm"),
    ("GRU classifier", "gru"),
    ("DCGAN generator", "dcgan-g"),
    ("DCGAN discriminator", "dcgan-d"),
    ("Transformer block", "transformer"),
]

HEADER_RE = re.compile(r"memory plan of @\S+: (\d+) buffers over (\d+) steps, "
                       r"reuse (on|off)")
SUMMARY_RE = re.compile(r"arena ([0-9,]+) B .*lower bound ([0-9,]+) B .*"
                        r"naive ([0-9,]+) B")


def run(cmd, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        sys.exit("memory_plans.py: command failed (exit %d): %s\n%s%s" % (
            proc.returncode, " ".join(shlex.quote(c) for c in cmd),
            proc.stdout, proc.stderr))
    return proc.stdout


def find_kiln(explicit):
    if explicit:
        return os.path.abspath(explicit)
    for candidate in (shutil.which("kiln"),
                      os.path.join(ROOT, "..", "build", "bin", "kiln"),
                      os.path.join(ROOT, "build", "bin", "kiln")):
        if candidate and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    sys.exit("memory_plans.py: no kiln binary; pass --kiln PATH")


def read_plan(path):
    with open(path) as f:
        text = f.read()
    header = HEADER_RE.search(text)
    summary = SUMMARY_RE.search(text)
    if not header or not summary:
        sys.exit(f"memory_plans.py: cannot parse the plan in {path}")
    arena, lower, naive = (int(x.replace(",", "")) for x in summary.groups())
    return {"buffers": int(header.group(1)), "steps": int(header.group(2)),
            "reuse": header.group(3), "arena": arena, "lower": lower,
            "naive": naive}


def fmt_bytes(n):
    if n >= 1024 * 1024:
        return f"{n:,} B ({n / (1024 * 1024):.2f} MiB)"
    if n >= 1024:
        return f"{n:,} B ({n / 1024:.1f} KiB)"
    return f"{n:,} B"


def unsupported(kiln, model):
    """\returns [(operator, count)] that `kiln inspect` reports missing."""
    proc = subprocess.run([kiln, "inspect", model], capture_output=True,
                          text=True)
    return re.findall(r"^\s*operator '([^']+)' x(\d+)",
                      proc.stdout + proc.stderr, re.M)


def plan(kiln, model, name, workdir):
    """Compiles with and without reuse; \returns {"on": .., "off": ..}, or
    None when kiln cannot compile the model."""
    plans = {}
    for reuse in ("on", "off"):
        outdir = os.path.join(workdir, f"{name}-{reuse}")
        path = os.path.join(outdir, "plan.txt")
        cmd = [kiln, "compile", model, f"--name={name}", "-o", outdir,
               f"--memory-plan={path}"]
        if reuse == "off":
            cmd.append("--no-memory-reuse")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            if unsupported(kiln, model):
                return None
            sys.exit("memory_plans.py: %s failed:\n%s" % (
                " ".join(shlex.quote(c) for c in cmd), proc.stderr))
        plans[reuse] = read_plan(path)
        if plans[reuse]["reuse"] != reuse:
            sys.exit(f"memory_plans.py: {path} says reuse "
                     f"{plans[reuse]['reuse']}, expected {reuse}")
    return plans


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiln", help="the kiln driver (default: PATH, then "
                        "../build/bin/kiln next to the repository)")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs",
                                                      "memory-plans.md"))
    args = parser.parse_args()

    kiln = find_kiln(args.kiln)
    out = os.path.abspath(args.out)
    workdir = tempfile.mkdtemp(prefix="kiln-memory-plans-")
    try:
        fixtures = os.path.join(workdir, "fixtures")
        print(run([sys.executable, MAKE_FIXTURES, fixtures]).strip(),
              file=sys.stderr)
        sys.path.insert(0, HERE)
        import models as suite  # bench/models.py

        # (title, source, model path, --name, what)
        todo = [(title, f"tests/fixtures `{fixture}`",
                 os.path.join(fixtures, fixture), name, what)
                for title, fixture, name, what in MODELS]
        for title, name in SUITE_MODELS:
            entry = next(m for m in suite.SUITE if m.name == name)
            path = os.path.join(workdir, name + ".onnx")
            suite.export(entry, path)
            todo.append((title, f"bench/models.py `{name}`", path,
                         name.replace("-", "_"), entry.what))

        results, missing = [], []
        for title, source, model, name, what in todo:
            plans = plan(kiln, model, name, workdir)
            if plans is None:
                missing.append((title, source, what, unsupported(kiln, model)))
                print(f"{title}: not compiled", file=sys.stderr)
                continue
            results.append((title, source, name, what, plans))
            on = plans["on"]
            print(f"{title}: arena {on['arena']:,} B, lower bound "
                  f"{on['lower']:,} B, naive {on['naive']:,} B, no reuse "
                  f"{plans['off']['arena']:,} B", file=sys.stderr)

        images = os.path.join(os.path.dirname(out), "images")
        os.makedirs(images, exist_ok=True)
        svg = os.path.join(images, "lenet-memory-plan.svg")
        shutil.copyfile(os.path.join(workdir, "lenet-on", "plan.txt.svg"), svg)
        version = run([kiln, "--version"]).strip()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    command = " ".join(["/usr/bin/python3"] + [shlex.quote(a) for a in sys.argv])
    lines = [
        "# Scratch-memory plans",
        "",
        "Every intermediate tensor of a compiled model lives in one scratch "
        "arena planned at compile time. This page records how large that arena "
        "is for PyTorch-exported models, against two references:",
        "",
        "- **lower bound**: the largest set of buffers live at the same step; "
        "no plan can use less (ratio = arena / lower bound, 1.00x is optimal);",
        "- **naive sum**: the sizes of all buffers added up, as if each had "
        "its own slot. `--no-memory-reuse` does exactly that (last column); "
        "its arena is the naive sum plus alignment padding.",
        "",
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Command: `{command}`",
        f"- kiln: `{version}`; each model compiled with "
        "`kiln compile MODEL --name=NAME -o DIR --memory-plan=DIR/plan.txt` "
        "and again with `--no-memory-reuse` added",
        "- Models: the test fixtures (`tests/fixtures/make_fixtures.py`, "
        "PyTorch export at opset 14) and the benchmark suite's models "
        "(`bench/models.py`, opset 17), fixed seeds",
        "",
        "| Model | Buffers | Steps | Arena | Lower bound | Arena / lower bound "
        "| Naive sum | Saved vs naive | Arena with `--no-memory-reuse` |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for title, source, name, what, plans in results:
        on, off = plans["on"], plans["off"]
        ratio = on["arena"] / on["lower"] if on["lower"] else 1.0
        saved = 100.0 * (1 - on["arena"] / on["naive"]) if on["naive"] else 0
        lines.append(
            f"| {title} | {on['buffers']} | {on['steps']} "
            f"| {fmt_bytes(on['arena'])} | {fmt_bytes(on['lower'])} "
            f"| {ratio:.2f}x | {fmt_bytes(on['naive'])} "
            f"| {saved:.1f}% | {fmt_bytes(off['arena'])} |")
    lines += ["", "The models:", ""]
    for title, source, name, what, plans in results:
        lines.append(f"- **{title}** ({source}): {what}.")
    rel_svg = os.path.relpath(svg, os.path.dirname(out))
    lines += [
        "",
        "## LeNet's plan",
        "",
        "Each block is one buffer: its horizontal extent is the buffer's live "
        "range (in steps of the lowered program), its vertical position and "
        "height its offset and size in the arena. The dashed line is the lower "
        "bound. (Produced by `--memory-plan`; hover a block in a browser for "
        "its producer, type, size and live range.)",
        "",
        f"![Memory plan of LeNet]({rel_svg})",
        "",
    ]
    if missing:
        lines += [
            "## Models kiln cannot compile yet",
            "",
            "`kiln inspect` reports these unsupported operators (node count "
            "in parentheses):",
            "",
            "| Model | Source | What | Unsupported operators |",
            "|---|---|---|---|",
        ]
        for title, source, what, ops in missing:
            listed = ", ".join(f"{op} ({n})" for op, n in ops) or "none"
            lines.append(f"| {title} | {source} | {what} | {listed} |")
        lines.append("")
    text = "\n".join(lines)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".tmp", "w") as f:
        f.write(text)
    os.replace(out + ".tmp", out)
    print(f"wrote {out} and {svg}", file=sys.stderr)


if __name__ == "__main__":
    main()

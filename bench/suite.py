"""suite.py - kiln beside ONNX Runtime and PyTorch on the same models.

Usage: /usr/bin/python3 bench/suite.py [--kiln PATH] [--threads 1,2]
           [--models a,b,...] [--warmup W] [--runs R] [--out FILE]

One command: installs what it compares against (scripts/install-deps.sh
--bench: OpenBLAS for PyTorch; onnxruntime-node@1.30.0 from npm into
bench/.deps with ONNXRUNTIME_NODE_INSTALL=skip, whose package holds the CPU
build), exports the models of bench/models.py to ONNX (opset 17), checks that
kiln computes each one right (`kiln run --expect` against PyTorch, rtol 1e-3
atol 1e-4: a benchmark of wrong code is worthless), then for each thread
count times, one after the other and pinned to the first THREADS cores:

  kiln      `kiln bench MODEL --threads N --warmup W --runs R --json`
  ORT       bench/ort_bench.js: onnxruntime-node, all graph optimisations,
            N intra-op threads, sequential execution
  PyTorch   bench/torch_bench.py: eager (inference_mode) and
            torch.jit.trace + freeze, torch.set_num_threads(N)

Every figure is the median latency of R calls after W warm-up calls, and
all of them come from the same run. The report gives per-model ratios
kiln/ORT and kiln/PyTorch (the faster of eager and jit) and their geometric
means. OPENBLAS_CORETYPE is removed from the environment of the PyTorch runs
(this workplace sets it to Haswell, which halves OpenBLAS on AVX-512 cores).

The markdown report goes to stdout and to --out (default
docs/benchmarks.md), headed by the date, the command, the machine and the
versions. A model kiln cannot compile yet is reported with kiln's first
error line, and left out of the means.
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import models  # noqa: E402

ORT_VERSION = "1.30.0"
DEPS = os.path.join(HERE, ".deps")


def run(cmd, env=None, check=True, timeout=1800):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True,
                          text=True, env=env, timeout=timeout)
    if check and proc.returncode != 0:
        tool = cmd[3] if cmd[0] == "taskset" else cmd[0]
        raise RuntimeError("%s exited %d: %s" % (
            os.path.basename(str(tool)), proc.returncode,
            first_error(proc.stderr + proc.stdout)))
    return proc


def first_error(text):
    """kiln's first error line; for unsupported features, the list of them."""
    features = re.findall(r"^\s+(operator '[^']+'|attribute [^ ]+ of \S+)",
                          text, re.M)
    if features:
        return "unsupported: " + ", ".join(features)
    for line in text.splitlines():
        if "error" in line.lower():
            return line.strip()
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1].strip() if lines else "(no output)"


def install():
    run(["bash", os.path.join(ROOT, "scripts", "install-deps.sh"), "--bench"],
        timeout=3600)
    package = os.path.join(DEPS, "node_modules", "onnxruntime-node",
                           "package.json")
    if os.path.exists(package):
        with open(package) as f:
            if json.load(f).get("version") == ORT_VERSION:
                return
    os.makedirs(DEPS, exist_ok=True)
    env = dict(os.environ, ONNXRUNTIME_NODE_INSTALL="skip")
    run(["npm", "install", "--prefix", DEPS, "--no-audit", "--no-fund",
         "--no-save", "onnxruntime-node@" + ORT_VERSION], env=env,
        timeout=1800)


def find_kiln(explicit):
    if explicit:
        return os.path.abspath(explicit)
    for candidate in (os.path.join(ROOT, "build", "release", "bin", "kiln"),
                      os.path.join(ROOT, "build", "bin", "kiln"),
                      shutil.which("kiln")):
        if candidate and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    sys.exit("suite.py: no kiln binary; build it or pass --kiln PATH")


def pinned(threads, cmd):
    cores = ",".join(str(i) for i in range(int(threads)))
    return ["taskset", "-c", cores] + cmd


def timing(proc):
    """The JSON line a timing tool printed last."""
    for line in reversed(proc.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no JSON timing line in: %s" % proc.stdout[-200:])


def prepare(entries, workdir, kiln):
    """Exports each model, checks kiln's numbers; \\returns name -> error."""
    import numpy as np
    import torch
    problems = {}
    for entry in entries:
        path = os.path.join(workdir, entry.name + ".onnx")
        module, x = models.export(entry, path)
        with torch.inference_mode():
            want = module(x).numpy()
        np.save(os.path.join(workdir, entry.name + ".x.npy"), x.numpy())
        np.save(os.path.join(workdir, entry.name + ".y.npy"), want)
        proc = run([kiln, "run", path, "-i",
                    os.path.join(workdir, entry.name + ".x.npy"), "--expect",
                    os.path.join(workdir, entry.name + ".y.npy"), "--rtol",
                    "1e-3", "--atol", "1e-4"], check=False)
        if proc.returncode != 0:
            problems[entry.name] = first_error(proc.stderr + proc.stdout)
        print("%-12s %s" % (entry.name, problems.get(entry.name, "ok")),
              file=sys.stderr)
    return problems


def measure(entry, workdir, kiln, threads, warmup, runs):
    path = os.path.join(workdir, entry.name + ".onnx")
    x = os.path.join(workdir, entry.name + ".x.npy")
    torch_env = dict(os.environ)
    torch_env.pop("OPENBLAS_CORETYPE", None)
    row = {}
    tools = {
        "kiln": ([kiln, "bench", path, "--threads", threads, "-i", x,
                  "--warmup", warmup, "--runs", runs, "--json"], None),
        "ort": (["node", os.path.join(HERE, "ort_bench.js"), path, threads,
                 warmup, runs], None),
        "eager": ([sys.executable, os.path.join(HERE, "torch_bench.py"),
                   entry.name, threads, warmup, runs, "eager"], torch_env),
        "jit": ([sys.executable, os.path.join(HERE, "torch_bench.py"),
                 entry.name, threads, warmup, runs, "jit"], torch_env),
    }
    for tool, (cmd, env) in tools.items():
        try:
            row[tool] = timing(run(pinned(threads, cmd), env=env))
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            row[tool] = {"error": str(e)}
    return row


def geomean(values):
    values = [v for v in values if v]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def ms(cell):
    return cell.get("median_ms") if cell else None


def fmt(value, unit=""):
    return "-" if value is None else "%.3f%s" % (value, unit)


def versions(kiln):
    def out(cmd):
        try:
            return run(cmd, check=False).stdout.strip().splitlines()[0]
        except (IndexError, OSError):
            return "?"
    import torch
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
        cpu = re.search(r"model name\s*:\s*(.*)", text).group(1)
        isa = "AVX-512" if " avx512f" in text else "AVX2" if " avx2" in text \
            else "SSE"
        cpu += " (%s, %d cores)" % (isa, os.cpu_count())
    except (OSError, AttributeError):
        pass
    commit = out(["git", "-C", ROOT, "describe", "--always", "--dirty"])
    return [("machine", cpu),
            ("kiln", out([kiln, "--version"]) + ", source " + commit),
            ("ONNX Runtime", "onnxruntime-node " + ORT_VERSION + ", "
             + out(["node", "--version"])),
            ("PyTorch", torch.__version__ + " (Debian python3-torch, "
             "OpenBLAS)"), ("OS", platform.platform())]


def report(args, entries, problems, results, info):
    command = " ".join(["/usr/bin/python3"] + [shlex.quote(a)
                                               for a in sys.argv])
    lines = ["# Benchmarks: kiln, ONNX Runtime and PyTorch", "",
             "Measured %s with:" % datetime.date.today().isoformat(), "",
             "    " + command, ""]
    lines += ["| | |", "|---|---|"] + ["| %s | %s |" % kv for kv in info]
    lines += ["", "Median latency in ms of %s calls after %s warm-up calls; "
              "every figure of a table from the same run, each tool pinned "
              "to the first N cores. kiln/ORT and kiln/PyTorch below 1 mean "
              "kiln is faster; PyTorch is the faster of eager and "
              "jit.trace+freeze." % (args.runs, args.warmup), ""]
    for threads in args.threads:
        lines += ["## %s thread%s" % (threads, "" if threads == "1" else "s"),
                  "", "| model | kiln | ORT | PyTorch eager | PyTorch jit "
                  "| kiln/ORT | kiln/PyTorch |", "|---|---|---|---|---|---|---|"]
        ort_ratios, torch_ratios = [], []
        for entry in entries:
            row = results[threads].get(entry.name, {})
            k, o = ms(row.get("kiln")), ms(row.get("ort"))
            t = min([v for v in (ms(row.get("eager")), ms(row.get("jit")))
                     if v is not None], default=None)
            ro = k / o if k and o else None
            rt = k / t if k and t else None
            if ro:
                ort_ratios.append(ro)
            if rt:
                torch_ratios.append(rt)
            kiln_cell = fmt(k) if k else problems.get(
                entry.name, row.get("kiln", {}).get("error", "?"))
            lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                entry.name, kiln_cell, fmt(o), fmt(ms(row.get("eager"))),
                fmt(ms(row.get("jit"))), fmt(ro, "x"), fmt(rt, "x")))
        go, gt = geomean(ort_ratios), geomean(torch_ratios)
        lines += ["", "Geometric mean over %d models: kiln/ORT %s, "
                  "kiln/PyTorch %s; slowest vs ORT: %s." % (
                      len(ort_ratios), fmt(go, "x"), fmt(gt, "x"),
                      fmt(max(ort_ratios) if ort_ratios else None, "x")), ""]
    lines += ["## Models", "", "| model | what |", "|---|---|"]
    lines += ["| %s | %s |" % (e.name, e.what) for e in entries]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--kiln", help="the kiln driver (default: "
                        "build/release/bin/kiln, build/bin/kiln, PATH)")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--models", help="comma-separated names (default: "
                        + ",".join(m.name for m in models.SUITE) + ")")
    parser.add_argument("--warmup", default="20")
    parser.add_argument("--runs", default="200")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs",
                                                      "benchmarks.md"))
    parser.add_argument("--no-install", action="store_true",
                        help="skip installing OpenBLAS and onnxruntime-node")
    args = parser.parse_args()
    args.threads = args.threads.split(",")
    entries = models.SUITE
    if args.models:
        wanted = args.models.split(",")
        unknown = set(wanted) - {m.name for m in models.SUITE}
        if unknown:
            sys.exit("suite.py: unknown models: " + ", ".join(sorted(unknown)))
        entries = [m for m in models.SUITE if m.name in wanted]
    kiln = find_kiln(args.kiln)
    if not args.no_install:
        install()
    workdir = tempfile.mkdtemp(prefix="kiln-bench-")
    try:
        problems = prepare(entries, workdir, kiln)
        results = {}
        for threads in args.threads:
            results[threads] = {}
            for entry in entries:
                if entry.name in problems:
                    continue
                results[threads][entry.name] = row = measure(
                    entry, workdir, kiln, threads, args.warmup, args.runs)
                print("%s thread(s) %-12s %s" % (threads, entry.name, "  ".join(
                    "%s %s" % (tool, fmt(ms(cell)) if ms(cell) else "error")
                    for tool, cell in row.items())), file=sys.stderr)
        text = report(args, entries, problems, results, versions(kiln))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.stdout.write(text)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

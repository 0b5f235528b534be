#!/usr/bin/python3
"""Run the applicable ONNX backend node tests through kiln; check the numbers.

Tolerances (global; a test that needs looser ones is an expected failure)
--------------------------------------------------------------------------
An output element passes when |got - want| <= atol + rtol * |want|
(np.allclose, NaN equal to NaN), and the output's dtype and shape must be
exactly the reference's:
    float16        rtol 1e-3   atol 1e-5   (about one unit in the last place)
    float32        rtol 1e-4   atol 1e-5
    float64        rtol 1e-7   atol 1e-9
    bfloat16       rtol 1e-2   atol 1e-5   (about one unit in the last place)
    integers, bool exact
Any other dtype (complex, string) has no tolerance yet: such an output
fails with "no tolerance for dtype ...". NumPy has no bfloat16: a BFLOAT16
tensor is saved as .npy dtype '|V2' (two opaque bytes, the bfloat16 bits;
what numpy.save writes for an ml_dtypes.bfloat16 array, and what kiln
reads and writes as bf16) and compared as float32.

What it does
------------
1. Generates the tests and selects the candidates exactly as
   import_node_tests.py does: every generated test whose graph only uses
   operators that `kiln ops` lists, in the default domain, no subgraphs.
   A graph input that feeds a shape-deciding operand (a Reshape's shape,
   Slice's starts, TopK's k, ...: nodetests.SHAPE_OPERANDS) is baked into an
   initializer with the test's own value (docs/conformance.md).
2. For each candidate (in a thread pool, --jobs), in WORK_DIR/run/TEST:
   - converts every test_data_set_*/input_N.pb and output_N.pb to .npy
     (onnx.numpy_helper.to_array, dtype kept); a value that is not a tensor
     (a sequence, an optional) cannot be converted and fails the test;
   - JIT: for each data set, `kiln run model.onnx -i ... -o ... --expect ...
     --rtol R --atol A`, R and A the float tolerance above of the test's
     outputs (0 and 0 when all outputs are integers or bool); the outputs
     written with -o are checked in Python as well, per output dtype;
   - AOT: `kiln compile model.onnx --emit=exe --name m -o DIR` once, then
     `DIR/m -o out0.npy ... in0.npy ...` on each data set; the outputs are
     compared with the references in Python (dtype, shape, tolerance).
   Every step has 120 s. A test passes when both JIT and AOT pass on all its
   data sets. A failing test's directory is kept for a look; a passing one's
   is removed.
3. Classifies each failure by the first of these kinds:
     crash          a step was killed by a signal, or printed an LLVM stack
                    dump (never an expected failure)
     runner error   this script failed on the test (a Python exception)
     compile error  `kiln compile` failed: its first error line
     JIT error      `kiln run` failed without a MISMATCH line
     test data      a .pb that is not a tensor, or not readable
     timeout        a step still running after 120 s
     JIT mismatch   `kiln run --expect`'s MISMATCH line (or the Python
                    check's, when kiln accepted it)
     AOT error      the executable exited non-zero: its first line
     AOT mismatch   which output, how many elements, max abs/rel error
4. Compares the failures with the expected-failures file, prints a summary
   table and, last, a line `N passed, M failed`.

The CI rules and the expected-failures file are those of
import_node_tests.py (shared in nodetests.py):
* a failure (or timeout) that is not listed fails the run (exit status 1);
* a listed test that now passes fails the run: remove it from the list;
* a crash always fails the run, listed or not;
* a listed test that is no longer a candidate is stale: a warning only.
In `N passed, M failed`, M counts unexpected failures, unexpected passes and
crashes. The file holds `test_name  # reason` lines in `## Group` groups;
--update-xfail rewrites it from the current failures, keeping groups and
reasons and appending new failures under their own group.

    /usr/bin/python3 run_node_tests.py --kiln build/bin/kiln \\
        --expected-failures run-xfail.txt --work-dir /tmp/kiln-conf

--report FILE writes a markdown report: each candidate's status, failure
kind, reason and max abs/rel errors of JIT and AOT.

Standard library, onnx and numpy; run with /usr/bin/python3.
"""

import collections
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nodetests  # noqa: E402
from nodetests import cell, not_applicable_sections  # noqa: E402

TIMEOUT_S = 120
# dtype -> (rtol, atol); integers and bool are compared exactly.
BF16 = np.dtype("V2")  # bfloat16 bits, as kiln reads and writes them
TOLERANCES = {
    np.dtype(np.float16): (1e-3, 1e-5),
    np.dtype(np.float32): (1e-4, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-9),
    BF16: (1e-2, 1e-5),
}
EXE_NAME = "m"
DEFAULT_PREAMBLE = [
    "# ONNX backend node tests whose numbers kiln (JIT `kiln run` and AOT",
    "# `kiln compile --emit=exe`) is expected to get wrong or not produce.",
    "# One per line: test_name  # why. '## Title' starts a group.",
    "# See run_node_tests.py for the rules, tolerances and --update-xfail.",
]
# The failure kinds, most telling first: a test's reason is its first.
KINDS = ("crash", "runner error", "compile error", "JIT error", "test data",
         "timeout", "JIT mismatch", "AOT error", "AOT mismatch")

# status: pass/fail/timeout/crash; kind: one of KINDS ("" for a pass);
# jit_err, aot_err: (max abs error, max rel error) over all outputs and
# data sets, or None when nothing was compared.
# jit, aot: each mode's verdict: "ok", "-" (not run) or a failure kind.
Result = collections.namedtuple(
    "Result", "status kind detail jit aot jit_err aot_err seconds")


class TestDataError(Exception):
    pass


# --------------------------------------------------------------------------
# Test data
# --------------------------------------------------------------------------

def pb_index(path):
    return int(path.stem.rsplit("_", 1)[1])


def convert_data_set(data_dir, graph, out_dir):
    """Writes the data set's .pb tensors as .npy; returns (inputs, outputs).

    Both are lists of .npy paths in index order.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind, values in (("input", graph.input), ("output", graph.output)):
        pbs = sorted(data_dir.glob(kind + "_*.pb"), key=pb_index)
        paths[kind] = []
        for pb in pbs:
            index = pb_index(pb)
            if index >= len(values):
                raise TestDataError("%s/%s: the model has only %d %ss"
                                    % (data_dir.name, pb.name, len(values),
                                       kind))
            which = values[index].type.WhichOneof("value")
            if which != "tensor_type":
                raise TestDataError(
                    "%s %d (%s) is a %s value, not a tensor"
                    % (kind, index, values[index].name,
                       (which or "untyped").replace("_type", "")))
            try:
                tensor = onnx.TensorProto()
                tensor.ParseFromString(pb.read_bytes())
                array = numpy_helper.to_array(tensor)
                # onnx 1.12 stores BFLOAT16 test data as UINT16 tensors of
                # the bits: the graph's type says what they are.
                bf16 = onnx.TensorProto.BFLOAT16
                if (tensor.data_type == bf16 or
                        values[index].type.tensor_type.elem_type == bf16):
                    array = bf16_bits(array)
            except Exception as e:  # noqa: BLE001 - a broken .pb.
                raise TestDataError("%s/%s: %s" % (data_dir.name, pb.name,
                                                   nodetests.first_line(
                                                       str(e)))) from e
            npy = out_dir / (pb.stem + ".npy")
            np.save(npy, array, allow_pickle=False)
            paths[kind].append(npy)
    return paths["input"], paths["output"]


def bf16_bits(array):
    """A BFLOAT16 tensor from numpy_helper.to_array as dtype BF16.

    onnx 1.12 returns the raw bits as uint16; later versions return float32
    values (exact bfloat16 numbers) or an ml_dtypes.bfloat16 array.
    """
    if array.dtype == np.float32:
        array = (np.ascontiguousarray(array).view(np.uint32) >> 16).astype(np.uint16)
    elif array.dtype.itemsize != 2:
        raise TestDataError("BFLOAT16 tensor read as %s" % array.dtype)
    return np.ascontiguousarray(array).view(BF16)


def bf16_to_float32(array):
    bits = np.ascontiguousarray(array).view(np.uint16).astype(np.uint32)
    return (bits << 16).view(np.float32)


# --------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------

def compare(got, want):
    """(ok, message, max_abs, max_rel) for one output against its reference.

    max_abs/max_rel are None when the values were not compared (dtype or
    shape differ, no tolerance for the dtype).
    """
    if got.dtype != want.dtype or got.shape != want.shape:
        return (False, "got %s %s, expected %s %s"
                % (got.dtype, list(got.shape), want.dtype, list(want.shape)),
                None, None)
    kind = want.dtype.kind
    if kind not in "biu" and want.dtype not in TOLERANCES:
        return False, "no tolerance for dtype %s" % want.dtype, None, None
    if kind in "biu":
        bad = got != want
        tol = None
        if kind == "b":
            max_abs = max_rel = float(bad.any())
        else:  # Python ints: exact for any int64/uint64 value.
            pairs = list(zip(got.ravel().tolist(), want.ravel().tolist()))
            max_abs = float(max((abs(g - w) for g, w in pairs), default=0))
            max_rel = float(max((abs(g - w) / abs(w) for g, w in pairs if w),
                                default=0.0))
    else:
        rtol, atol = TOLERANCES[want.dtype]
        if want.dtype == BF16:
            got, want = bf16_to_float32(got), bf16_to_float32(want)
        with np.errstate(all="ignore"):
            g = got.astype(np.float64)
            w = want.astype(np.float64)
            # 0 where equal (inf == inf) or both NaN; inf where one is NaN.
            same = (g == w) | (np.isnan(g) & np.isnan(w))
            err = np.where(same, 0.0, np.abs(g - w))
            err[np.isnan(err)] = np.inf
            # Relative error where the reference is a non-zero number.
            rel = np.where(same | (w == 0) | np.isnan(w), 0.0,
                           err / np.abs(w))
            rel[np.isnan(rel)] = np.inf
        max_abs = float(err.max(initial=0.0))
        max_rel = float(rel.max(initial=0.0))
        bad = ~np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
        tol = "atol %g + rtol %g" % (atol, rtol)
    count = int(bad.sum())
    if not count:
        return True, "", max_abs, max_rel
    first = int(np.flatnonzero(bad.ravel())[0])
    where = "differ (exact)" if tol is None else "outside " + tol
    return (False, "%d of %d elements %s; max abs error %.3g, max rel error "
            "%.3g; first at flat index %d: got %s, expected %s"
            % (count, bad.size, where, max_abs, max_rel, first,
               got.ravel()[first], want.ravel()[first]), max_abs, max_rel)


def kiln_tolerance(expects):
    """(rtol, atol) for `kiln run`: the loosest of the float outputs'."""
    rtol = atol = 0.0
    for npy in expects:
        dtype = np.load(npy, mmap_mode="r").dtype
        if dtype in TOLERANCES:
            rtol = max(rtol, TOLERANCES[dtype][0])
            atol = max(atol, TOLERANCES[dtype][1])
    return rtol, atol


def check_outputs(got_paths, expects, names):
    """Compares written outputs with references.

    Returns (problem or None, (max abs, max rel) or None).
    """
    problem, worst = None, None
    for got_path, want_path, name in zip(got_paths, expects, names):
        want = np.load(want_path, allow_pickle=False)
        if not got_path.exists():
            problem = problem or "%s: no output written" % name
            continue
        got = np.load(got_path, allow_pickle=False)
        ok, message, max_abs, max_rel = compare(got, want)
        if max_abs is not None:
            worst = merge(worst, (max_abs, max_rel))
        if not ok and problem is None:
            problem = "%s: %s" % (name, message)
    return problem, worst


def merge(a, b):
    if a is None or b is None:
        return a or b
    return max(a[0], b[0]), max(a[1], b[1])


# --------------------------------------------------------------------------
# Running one test
# --------------------------------------------------------------------------

def mismatch_line(output):
    for line in output.splitlines():
        if ": MISMATCH:" in line:
            return line.strip()
    return None


def check_test(kiln, run_dir, name, model_path):
    """Checks one candidate (a Result); never raises."""
    start = time.monotonic()
    try:
        return check_test_or_raise(kiln, run_dir, name, model_path, start)
    except Exception as e:  # noqa: BLE001 - reported as the test's failure.
        detail = "runner error: %s: %s" % (type(e).__name__,
                                           nodetests.first_line(str(e)))
        return Result("fail", "runner error", detail, "-", "-", None, None,
                      time.monotonic() - start)


def check_test_or_raise(kiln, run_dir, name, model_path, start):
    work = run_dir / name.replace("/", "__")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    problems = []  # (kind, status, detail)
    jit_err = aot_err = None
    verdict = {"JIT": "-", "AOT": "-"}

    def problem(kind, status, detail, mode=None):
        problems.append((kind, status, detail))
        if mode and verdict[mode] in ("-", "ok"):
            verdict[mode] = kind

    def step_failed(proc, what, mode):
        """Records a crash or timeout of a step; True when there was one."""
        if proc.status == "timeout":
            problem("timeout", "timeout", "%s: %s" % (what, proc.detail),
                    mode)
            return True
        if proc.status == "crash":
            detail = proc.detail
            site = nodetests.crash_site(proc.output)
            if site:  # "killed by SIGSEGV in f" rather than "PLEASE submit".
                detail = "%s in %s" % (detail.split(":", 1)[0], site)
            problem("crash", "crash", "%s: %s" % (what, detail), mode)
            return True
        return False

    graph = onnx.load(str(model_path), load_external_data=False).graph
    out_names = [v.name for v in graph.output]
    data_dirs = sorted(model_path.parent.glob("test_data_set_*"))
    several = len(data_dirs) > 1

    def where(data_dir):
        return " (%s)" % data_dir.name if several else ""

    data_sets = []
    try:
        for data_dir in data_dirs:
            inputs, expects = convert_data_set(
                data_dir, graph, work / "data" / data_dir.name)
            data_sets.append((data_dir, inputs, expects))
    except TestDataError as e:
        problem("test data", "fail", "test data: %s" % e)
        data_sets = []
    if not data_dirs:
        problem("test data", "fail", "test data: no test_data_set_*")

    # JIT, once per data set.
    for data_dir, inputs, expects in data_sets:
        outs = [work / "jit" / data_dir.name / ("output_%d.npy" % i)
                for i in range(len(expects))]
        (work / "jit" / data_dir.name).mkdir(parents=True)
        rtol, atol = kiln_tolerance(expects)
        argv = [kiln, "run", model_path]
        for npy in inputs:
            argv += ["-i", npy]
        for npy in outs:
            argv += ["-o", npy]
        for npy in expects:
            argv += ["--expect", npy]
        argv += ["--rtol", repr(rtol), "--atol", repr(atol)]
        proc = nodetests.run_process(argv, TIMEOUT_S, model_path)
        if step_failed(proc, "kiln run" + where(data_dir), "JIT"):
            break
        bad, worst = check_outputs(outs, expects, out_names)
        jit_err = merge(jit_err, worst)
        if verdict["JIT"] == "-":
            verdict["JIT"] = "ok"
        if proc.status == "fail":
            line = mismatch_line(proc.output)
            if line:  # Without this run's directory: the same everywhere.
                line = line.replace(str(work) + os.sep, "")
                problem("JIT mismatch", "fail",
                        "JIT mismatch%s: %s" % (where(data_dir), line), "JIT")
            else:
                problem("JIT error", "fail",
                        "JIT error%s: %s" % (where(data_dir), proc.detail),
                        "JIT")
                break
        elif bad:
            problem("JIT mismatch", "fail",
                    "JIT mismatch%s (kiln run said ok): %s"
                    % (where(data_dir), bad), "JIT")

    # AOT: one compile, then the executable on each data set.
    aot_dir = work / "aot"
    proc = nodetests.run_process(
        [kiln, "compile", model_path, "--emit=exe", "--name", EXE_NAME,
         "-o", aot_dir], TIMEOUT_S, model_path)
    compiled = proc.status == "ok"
    if not step_failed(proc, "kiln compile", "AOT") and not compiled:
        problem("compile error", "fail", "compile error: %s" % proc.detail,
                "AOT")
    for data_dir, inputs, expects in data_sets if compiled else []:
        outs = [aot_dir / data_dir.name / ("output_%d.npy" % i)
                for i in range(len(expects))]
        (aot_dir / data_dir.name).mkdir(parents=True)
        argv = [aot_dir / EXE_NAME]
        for npy in outs:
            argv += ["-o", npy]
        argv += inputs
        proc = nodetests.run_process(argv, TIMEOUT_S, model_path)
        if step_failed(proc, "AOT executable" + where(data_dir), "AOT"):
            break
        if proc.status == "fail":
            problem("AOT error", "fail",
                    "AOT error%s: exit %d: %s"
                    % (where(data_dir), proc.returncode, proc.detail), "AOT")
            continue
        bad, worst = check_outputs(outs, expects, out_names)
        aot_err = merge(aot_err, worst)
        if verdict["AOT"] == "-":
            verdict["AOT"] = "ok"
        if bad:
            problem("AOT mismatch", "fail",
                    "AOT mismatch%s: %s" % (where(data_dir), bad), "AOT")

    seconds = time.monotonic() - start
    if not problems:
        shutil.rmtree(work)
        return Result("pass", "", "", "ok", "ok", jit_err, aot_err, seconds)
    kind, status, detail = min(problems, key=lambda p: KINDS.index(p[0]))
    return Result(status, kind, detail, verdict["JIT"], verdict["AOT"],
                  jit_err, aot_err, seconds)


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

def errors_cell(err):
    return "-" if err is None else "%.3g / %.3g" % err


def write_report(path, results, not_applicable, xfail, elapsed):
    counts = collections.Counter(r.status for r in results.values())
    kinds = collections.Counter(r.kind for r in results.values() if r.kind)
    lines = [
        "# kiln run and kiln compile: ONNX backend node tests, numerically",
        "",
        "%d candidates: %d pass, %d fail, %d timeout, %d crash; "
        "%d not applicable (%.1f s)."
        % (len(results), counts["pass"], counts["fail"], counts["timeout"],
           counts["crash"], len(not_applicable), elapsed),
        "",
        "Tolerances: |got - want| <= atol + rtol * |want|; "
        + "; ".join("%s rtol %g atol %g" % (dtype, rtol, atol)
                    for dtype, (rtol, atol) in TOLERANCES.items())
        + "; integers and bool exact.",
        "",
        "Failures by kind: "
        + (", ".join("%s %d" % (k, kinds[k]) for k in KINDS if kinds[k])
           or "none") + ".",
        "",
        "## Candidates",
        "",
        "| test | status | expected failure | kind | JIT | AOT "
        "| JIT max abs / rel error | AOT max abs / rel error | seconds "
        "| reason |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in sorted(results):
        r = results[name]
        listed = "yes" if name in xfail.entries else ""
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %s |"
                     % (name, r.status, listed, r.kind, r.jit, r.aot,
                        errors_cell(r.jit_err), errors_cell(r.aot_err),
                        r.seconds, cell(r.detail)))
    lines += nodetests.baked_section()
    lines += not_applicable_sections(
        not_applicable,
        "Operators kiln does not import, by tests that use them")
    path.write_text("\n".join(lines) + "\n")


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def parse_args():
    return nodetests.make_parser(
        __doc__, jobs_help="tests checked in parallel").parse_args()


def main():
    args = parse_args()
    start = time.monotonic()
    kiln = os.path.abspath(args.kiln)
    tests, candidates, not_applicable = nodetests.collect(args, kiln)
    run_dir = args.work_dir / "run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    results = nodetests.run_all(
        lambda name, model: check_test(kiln, run_dir, name, model),
        candidates, args.jobs)
    elapsed = time.monotonic() - start
    return nodetests.finish(
        args, "kiln run + kiln compile, ONNX backend node tests, numerically",
        tests, not_applicable, results, elapsed, write_report,
        DEFAULT_PREAMBLE)


if __name__ == "__main__":
    sys.exit(main())

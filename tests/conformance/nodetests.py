"""Shared parts of the ONNX backend node-test scripts.

import_node_tests.py (does `kiln import` accept the model?) and
run_node_tests.py (does kiln compute the right numbers?) both use this
module for everything that is not specific to what they check:

* generating the tests with gen-onnx-node-tests and finding them,
* asking `kiln ops` which operators kiln imports and selecting the
  candidates (every operator supported, no subgraph),
* running a process with a timeout and classifying how it ended
  (ok / fail / timeout / crash) and kiln's first error line,
* the expected-failures file (XfailList) and its --update-xfail rewrite,
* the common command line (--kiln, --expected-failures, --work-dir,
  --generator, --jobs, --report, --update-xfail),
* the CI verdict: unexpected failures, unexpected passes, crashes and stale
  entries, the summary table and the last line `N passed, M failed`.

A script supplies a function that checks one candidate and returns an object
with at least `status` ("pass", "fail", "timeout" or "crash") and `detail`
(one line: why it failed), and a function that writes its markdown report.

Standard library and onnx only; run with /usr/bin/python3.
"""

import argparse
import collections
import concurrent.futures
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import onnx

REASON_MAX = 120
NEW_GROUP = "New failures (edit the reasons and regroup)"
DEFAULT_DOMAINS = ("", "ai.onnx")
# What an LLVM tool prints when it crashes but still exits normally.
CRASH_MARKERS = ("PLEASE submit a bug report", "Stack dump:")
# A candidate's status: the first counts as passed, the next two as
# failures, the last is never an expected failure.
STATUSES = ("pass", "fail", "timeout", "crash")


# --------------------------------------------------------------------------
# Test discovery
# --------------------------------------------------------------------------

def generate_tests(generator, out_dir):
    """Recreates out_dir with the generated backend tests."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([str(generator), str(out_dir)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if proc.returncode != 0:
        sys.exit("error: %s failed (exit %d):\n%s"
                 % (generator, proc.returncode, proc.stdout))


def find_tests(tests_dir):
    """Maps test name to model path for every */test_*/model.onnx."""
    tests = {}
    for model in sorted(tests_dir.glob("*/test_*/model.onnx")):
        name = model.parent.name
        if name in tests:  # Same name in two folders: qualify both.
            other = tests.pop(name)
            tests["%s/%s" % (other.parent.parent.name, name)] = other
            name = "%s/%s" % (model.parent.parent.name, name)
        tests[name] = model
    return tests


def graph_ops(graph):
    """Yields (domain, op_type, has_graph_attr) for a graph and subgraphs."""
    for node in graph.node:
        subgraphs = []
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                subgraphs.append(attr.g)
            elif attr.type == onnx.AttributeProto.GRAPHS:
                subgraphs.extend(attr.graphs)
        yield node.domain, node.op_type, bool(subgraphs)
        for sub in subgraphs:
            yield from graph_ops(sub)


def why_not_applicable(model_path, supported):
    """None for a candidate, else why the test is not applicable."""
    try:
        model = onnx.load(str(model_path), load_external_data=False)
    except Exception as e:  # noqa: BLE001 - any load error disqualifies.
        return "onnx.load failed: %s" % first_line(str(e))
    missing = set()
    for domain, op_type, _ in graph_ops(model.graph):
        if domain not in DEFAULT_DOMAINS:
            missing.add("%s.%s" % (domain, op_type))
        elif op_type not in supported:
            missing.add(op_type)
    if missing:
        return "unsupported ops: " + ", ".join(sorted(missing))
    if any(has_graph for _, _, has_graph in graph_ops(model.graph)):
        return "unsupported (subgraph)"
    return None


def supported_ops(kiln):
    """The operators `kiln ops` lists; exits on an error."""
    ops = subprocess.run([kiln, "ops"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    if ops.returncode != 0:
        sys.exit("error: `%s ops` failed: %s" % (kiln, ops.stderr.strip()))
    supported = set(ops.stdout.split())
    if not supported:
        sys.exit("error: `%s ops` listed no operators" % kiln)
    return supported


def collect(args, kiln):
    """Generates the tests; returns (tests, candidates, not_applicable).

    tests and candidates map a test name to its model path; not_applicable
    maps a test name to why it is not run.
    """
    for tool in (Path(kiln), args.generator):
        if not os.access(tool, os.X_OK):
            sys.exit("error: %s is not an executable (see --help)" % tool)
    supported = supported_ops(kiln)
    tests_dir = args.work_dir / "onnx-tests"
    generate_tests(args.generator, tests_dir)
    tests = find_tests(tests_dir)
    if not tests:
        sys.exit("error: %s generated no tests in %s" % (args.generator,
                                                          tests_dir))
    tests = {n: m for n, m in tests.items() if selected(args, n)}
    candidates, not_applicable = {}, {}
    for name, model in tests.items():
        why = why_not_applicable(model, supported)
        if why is None:
            candidates[name] = bake_shape_inputs(name, model,
                                                 args.work_dir / "baked")
        else:
            not_applicable[name] = why
    return tests, candidates, not_applicable


# --------------------------------------------------------------------------
# Shape-deciding inputs baked as constants
# --------------------------------------------------------------------------

# The operands whose values decide a result's shape (or, for CumSum, the
# axis it runs along). kiln compiles static shapes, so it needs them at
# compile time, as any static compiler does. The backend tests often feed
# them from graph inputs; the runner then bakes the test's own value into an
# initializer (docs/conformance.md states the rule). Nothing else is baked:
# data operands (indices, Clip bounds, Trilu's k, Pad's value) stay inputs.
SHAPE_OPERANDS = {
    "ConstantOfShape": (0,), "CumSum": (1,), "Expand": (1,),
    "OneHot": (1,), "Pad": (1, 3), "Range": (0, 1, 2), "ReduceSum": (1,),
    "Reshape": (1,), "Resize": (1, 2, 3), "Slice": (1, 2, 3, 4),
    "Split": (1,), "Squeeze": (1,), "Tile": (1,), "TopK": (1,),
    "Unsqueeze": (1,), "Upsample": (1,),
}

# Test name -> the graph inputs the runner baked (for the reports).
BAKED = {}


def shape_inputs(graph):
    """The graph inputs that feed a SHAPE_OPERANDS position, in order."""
    initialized = {t.name for t in graph.initializer}
    inputs = [v.name for v in graph.input if v.name not in initialized]
    names = []
    for node in graph.node:
        for index in SHAPE_OPERANDS.get(node.op_type, ()):
            if (index < len(node.input) and node.input[index] in inputs
                    and node.input[index] not in names):
                names.append(node.input[index])
    return names


def bake_shape_inputs(name, model_path, out_root):
    """\returns the model to test: model_path itself, or a copy of the test
    under out_root with its shape-deciding inputs made initializers.

    The copy keeps every data set with the remaining inputs renumbered. An
    input is baked only when all data sets give it the same value; if not,
    the test runs as generated and kiln reports the non-constant operand.
    """
    model = onnx.load(str(model_path), load_external_data=False)
    names = shape_inputs(model.graph)
    if not names:
        return model_path
    positions = {v.name: i for i, v in enumerate(model.graph.input)}
    data_dirs = sorted(model_path.parent.glob("test_data_set_*"))
    values = {}
    for input_name in names:
        blobs = set()
        for data_dir in data_dirs:
            pb = data_dir / ("input_%d.pb" % positions[input_name])
            if not pb.exists():
                return model_path
            blobs.add(pb.read_bytes())
        if len(blobs) != 1:
            return model_path
        tensor = onnx.TensorProto()
        tensor.ParseFromString(blobs.pop())
        tensor.name = input_name
        values[input_name] = tensor
    out = out_root / name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    kept = [i for i, v in enumerate(model.graph.input) if v.name not in values]
    remaining = [model.graph.input[i] for i in kept]
    del model.graph.input[:]
    model.graph.input.extend(remaining)
    model.graph.initializer.extend(values[n] for n in names)
    onnx.save(model, str(out / "model.onnx"))
    for data_dir in data_dirs:
        target = out / data_dir.name
        target.mkdir()
        for new, old in enumerate(kept):
            pb = data_dir / ("input_%d.pb" % old)
            if pb.exists():
                shutil.copyfile(pb, target / ("input_%d.pb" % new))
        for pb in data_dir.glob("output_*.pb"):
            shutil.copyfile(pb, target / pb.name)
    BAKED[name] = names
    return out / "model.onnx"


def baked_section():
    """Markdown: the tests whose shape-deciding inputs were baked."""
    lines = ["", "## Shape-deciding inputs baked as constants", "",
             "Operand positions baked when a graph input feeds them: "
             + ", ".join("%s %s" % (op, "/".join(map(str, idx)))
                         for op, idx in sorted(SHAPE_OPERANDS.items()))
             + ".", "", "| test | baked inputs |", "|---|---|"]
    for name in sorted(BAKED):
        lines.append("| %s | %s |" % (name, ", ".join(BAKED[name])))
    return lines


# --------------------------------------------------------------------------
# Running processes
# --------------------------------------------------------------------------

# status: "ok" (exit 0), "fail" (other exit status), "timeout" or "crash";
# detail: one line for a non-ok status; output: stdout and stderr together.
Proc = collections.namedtuple("Proc",
                              "status returncode output detail seconds")


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def first_error(output, model_path):
    """kiln's first diagnostic on one line, without the model's path.

    A diagnostic that ends in ':' continues on indented lines (the list of
    unsupported features); the first of those is joined on.
    """
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if "error:" not in line:
            continue
        # "<location>: error: <message>": the message names the node.
        text = line.split("error:", 1)[1].strip()
        if text.endswith(":") and i + 1 < len(lines) \
                and lines[i + 1].startswith(" "):
            text += " " + lines[i + 1].strip()
        return text
    text = first_line(output).replace(str(model_path), "model.onnx")
    return text or "(no output)"


STACK_FRAME = re.compile(r"\s*#\d+ 0x[0-9a-fA-F]+ (.+)$")
# Frames of the crash machinery and of generic walkers, not the culprit.
BORING_FRAMES = ("llvm::sys::", "detail::walk", "llvm::function_ref",
                 "__libc_", "_start", "main")


def crash_site(output):
    """The innermost interesting named function of an LLVM stack dump."""
    for line in output.splitlines():
        match = STACK_FRAME.match(line)
        if not match or match.group(1).startswith("("):  # Unnamed frame.
            continue
        name = match.group(1).split("(", 1)[0].split()
        if name and not any(name[-1].startswith(b) or b in name[-1]
                            for b in BORING_FRAMES):
            return name[-1]
    return ""


def run_process(argv, timeout, model_path, cwd=None):
    """Runs argv with a timeout (seconds) and says how it ended (a Proc)."""
    start = time.monotonic()
    # Its own process group, so that a timeout kills whatever it started.
    proc = subprocess.Popen(
        [str(arg) for arg in argv], cwd=cwd,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, errors="replace",
        start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        return Proc("timeout", None, output,
                    "no result after %d s" % timeout,
                    time.monotonic() - start)
    seconds = time.monotonic() - start
    if proc.returncode < 0:
        try:
            sig = signal.Signals(-proc.returncode).name
        except ValueError:
            sig = "signal %d" % -proc.returncode
        return Proc("crash", proc.returncode, output, "killed by %s: %s"
                    % (sig, first_error(output, model_path)), seconds)
    if any(marker in output for marker in CRASH_MARKERS):
        return Proc("crash", proc.returncode, output, "crashed (exit %d): %s"
                    % (proc.returncode, first_error(output, model_path)),
                    seconds)
    if proc.returncode != 0:
        return Proc("fail", proc.returncode, output,
                    first_error(output, model_path), seconds)
    return Proc("ok", 0, output, "", seconds)


def run_all(check, candidates, jobs):
    """check(name, model) for every candidate, `jobs` at a time."""
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
        futures = {pool.submit(check, name, model): name
                   for name, model in candidates.items()}
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()
    return results


# --------------------------------------------------------------------------
# The expected-failures file
# --------------------------------------------------------------------------

class XfailList:
    """Entries in file order: name -> (group, reason); plus the preamble."""

    def __init__(self):
        self.preamble = []  # Leading comment lines, kept verbatim.
        self.groups = []    # Group titles in file order ("" = no group).
        self.entries = collections.OrderedDict()

    @classmethod
    def read(cls, path):
        xfail = cls()
        if not path.exists():
            return xfail
        group = ""
        seen_entry_or_group = False
        for number, raw in enumerate(path.read_text().splitlines(), 1):
            line = raw.strip()
            if line.startswith("##"):
                group = line.lstrip("#").strip()
                if group not in xfail.groups:
                    xfail.groups.append(group)
                seen_entry_or_group = True
                continue
            if not line or line.startswith("#"):
                if not seen_entry_or_group:
                    xfail.preamble.append(raw.rstrip())
                continue
            name, _, reason = line.partition("#")
            name = name.strip()
            if not name or len(name.split()) != 1:
                sys.exit("error: %s:%d: expected 'test_name  # reason', got %r"
                         % (path, number, raw))
            if name in xfail.entries:
                print("warning: %s:%d: %s is listed twice"
                      % (path, number, name))
            if group not in xfail.groups:
                xfail.groups.append(group)
            xfail.entries[name] = (group, reason.strip())
            seen_entry_or_group = True
        return xfail

    def write(self, path, failures, default_preamble):
        """Rewrites the list to hold exactly `failures` (name -> detail).

        default_preamble: the comment lines for a file that has none yet.
        """
        by_group = collections.defaultdict(list)
        kept = [name for name in self.entries if name in failures]
        new = sorted(name for name in failures if name not in self.entries)
        for name in kept + new:
            if name in self.entries:
                group, reason = self.entries[name]
            else:
                group, reason = NEW_GROUP, shorten(failures[name])
            by_group[group].append((name, reason or shorten(failures[name])))
        order = list(self.groups)
        if NEW_GROUP not in order:
            order.append(NEW_GROUP)
        out = list(self.preamble or default_preamble)
        while out and not out[-1]:
            out.pop()
        for group in order:
            rows = by_group.get(group)
            if not rows:
                continue
            out.append("")
            if group:
                out.append("## " + group)
            width = max(len(name) for name, _ in rows)
            for name, reason in rows:
                out.append("%s  # %s" % (name.ljust(width), reason))
        path.write_text("\n".join(out) + "\n")


def shorten(text, limit=REASON_MAX):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

def cell(text):
    """text for a markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def not_applicable_sections(not_applicable, blocking_title):
    """Markdown: the unsupported operators by tests, then each test's why."""
    blocking = collections.Counter()
    for why in not_applicable.values():
        if why.startswith("unsupported ops: "):
            blocking.update(why[len("unsupported ops: "):].split(", "))
    lines = ["", "## " + blocking_title, "", "| operator | tests |",
             "|---|---|"]
    for op, count in sorted(blocking.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append("| %s | %d |" % (op, count))
    lines += ["", "## Not applicable", "", "| test | why |", "|---|---|"]
    for name in sorted(not_applicable):
        lines.append("| %s | %s |" % (name, cell(not_applicable[name])))
    return lines


# --------------------------------------------------------------------------
# Command line and verdict
# --------------------------------------------------------------------------

def parse_shard(text):
    try:
        index, count = (int(x) for x in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError("expected I/N, got %r" % text)
    if count < 1 or not 0 <= index < count:
        raise argparse.ArgumentTypeError("expected 0 <= I < N, got %r" % text)
    return index, count


def selected(args, name):
    """True if test `name` is in the --filter and --shard selection."""
    if args.filter and not re.search(args.filter, name):
        return False
    if args.shard:
        index, count = args.shard
        digest = hashlib.sha1(name.encode()).digest()
        return int.from_bytes(digest[:4], "big") % count == index
    return True


def make_parser(description, jobs_help="parallel kiln runs"):
    """The options both scripts share."""
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiln", required=True, help="the kiln binary")
    parser.add_argument("--expected-failures", required=True, type=Path,
                        metavar="FILE", help="the expected-failures list")
    parser.add_argument("--work-dir", required=True, type=Path, metavar="DIR",
                        help="where to generate the tests")
    parser.add_argument("--generator", type=Path,
                        default=repo.parent / "shared/tools/gen-onnx-node-tests",
                        help="gen-onnx-node-tests (default: %(default)s)")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                        help=jobs_help + " (default: %(default)s)")
    parser.add_argument("--report", type=Path, metavar="FILE",
                        help="write a markdown report here")
    parser.add_argument("--update-xfail", action="store_true",
                        help="rewrite the expected-failures list from the "
                             "current failures")
    parser.add_argument("--shard", metavar="I/N", type=parse_shard,
                        help="only the tests whose stable hash is I modulo N "
                             "(a deterministic 1/N sample, e.g. for the "
                             "slower sanitizer build; list entries outside "
                             "it are not reported as stale)")
    parser.add_argument("--filter", metavar="REGEX",
                        help="only the tests whose name matches REGEX (for "
                             "work on a few operators; list entries outside "
                             "it are not reported as stale)")
    return parser


def finish(args, title, tests, not_applicable, results, elapsed,
           write_report, default_preamble):
    """Applies the CI rules, prints the summary; returns the exit status.

    results maps every candidate to an object with `status` and `detail`;
    write_report(path, results, not_applicable, xfail, elapsed) writes the
    markdown report for --report.
    """
    passed = sorted(n for n, r in results.items() if r.status == "pass")
    failed = {n: r for n, r in results.items()
              if r.status in ("fail", "timeout")}
    crashes = sorted(n for n, r in results.items() if r.status == "crash")
    xfail = XfailList.read(args.expected_failures)
    if args.update_xfail and (args.filter or args.shard):
        sys.exit("error: --update-xfail rewrites the whole list: run it "
                 "without --filter and --shard")
    if args.update_xfail:
        xfail.write(args.expected_failures,
                    {n: r.detail for n, r in failed.items()},
                    default_preamble)
        print("updated %s: %d entries (was %d)%s"
              % (args.expected_failures, len(failed), len(xfail.entries),
                 "; crashes are never listed, fix them" if crashes else ""))
        xfail = XfailList.read(args.expected_failures)
    listed = xfail.entries
    expected = sorted(n for n in failed if n in listed)
    unexpected_fail = sorted(n for n in failed if n not in listed)
    unexpected_pass = sorted(n for n in passed if n in listed)
    stale = sorted(n for n in listed if n not in results
                   and selected(args, n))

    for name in stale:
        why = not_applicable.get(name, "not generated")
        print("warning: %s is listed but is not a candidate (%s); remove it "
              "from %s" % (name, why, args.expected_failures.name))
    for name in unexpected_fail:
        r = results[name]
        print("FAIL: %s: %s%s" % (name, "timeout: " if r.status == "timeout"
                                  else "", r.detail))
    for name in unexpected_pass:
        print("UNEXPECTED PASS: %s unexpectedly passes: remove it from the "
              "list" % name)
    for name in crashes:
        flag = " (it is in the expected-failures list: crashes are never " \
               "expected)" if name in listed else ""
        print("CRASH: %s: %s%s" % (name, results[name].detail, flag))

    if args.report:
        write_report(args.report, results, not_applicable, xfail, elapsed)
        print("report: %s" % args.report)

    rows = [
        ("tests generated", len(tests)),
        ("not applicable", len(not_applicable)),
        ("candidates", len(results)),
        ("passed", len(passed)),
        ("expected failures", len(expected)),
        ("unexpected failures", len(unexpected_fail)),
        ("unexpected passes", len(unexpected_pass)),
        ("crashes", len(crashes)),
        ("stale list entries", len(stale)),
    ]
    print()
    print("%s (%.1f s, %d jobs)" % (title, elapsed, args.jobs))
    for label, count in rows:
        print("  %-20s %5d" % (label, count))
    bad = len(unexpected_fail) + len(unexpected_pass) + len(crashes)
    print("%d passed, %d failed" % (len(passed), bad))
    return 1 if bad else 0

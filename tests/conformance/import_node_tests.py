#!/usr/bin/python3
"""Import every applicable ONNX backend node test with `kiln import`.

What it does
------------
1. Generates the ONNX backend tests (node/, simple/, ...) into
   WORK_DIR/onnx-tests with gen-onnx-node-tests (from
   <repo>/../shared/tools/, or --generator). The directory is recreated on
   every run so no stale test survives an onnx upgrade.
2. Asks `kiln ops` which ONNX operators kiln imports.
3. Selects the candidates: every generated test (any folder holding
   test_*/model.onnx) whose graph, including nested subgraphs, uses only
   those operators in the default ONNX domain. Everything else is "not
   applicable" and is not run. (No supported operator takes a graph
   attribute, so a model with an If/Loop/Scan is never a candidate.)
4. Runs `kiln import MODEL -o /dev/null` on each candidate in a thread pool
   (--jobs, default: all CPUs), 60 s each, and classifies the result:
     pass     exit status 0
     fail     non-zero exit status; the first error line is kept
     timeout  still running after 60 s (counts as a failure)
     crash    killed by a signal, or an LLVM stack dump on stderr
5. Compares the failures with the expected-failures file, prints a summary
   table and, last, a line `N passed, M failed`.

The rules (CI semantics)
------------------------
* A candidate that fails (or times out) and is not in the list is an
  unexpected failure: exit status 1.
* A listed test that now passes is an unexpected pass: exit status 1 --
  remove it from the list so that it stays fixed.
* A crash always makes the run fail, listed or not; a crash is a kiln bug
  and never an expected failure.
* A listed test that is no longer a candidate (not generated any more, or
  it now uses an operator kiln does not import) is stale: a warning only.
In `N passed, M failed`, M counts unexpected failures, unexpected passes and
crashes; expected failures count in neither number.

The expected-failures file
--------------------------
One test per line, `test_name  # reason`; the reason says *why* the test
cannot pass (a missing feature), in a few words. Blank lines and lines
starting with `#` are comments. A line `## Title` starts a group; groups
keep related reasons together and survive --update-xfail.

Updating the list
-----------------
    /usr/bin/python3 import_node_tests.py --kiln build/bin/kiln \\
        --expected-failures import-xfail.txt --work-dir /tmp/kiln-conf \\
        --update-xfail

rewrites the file from the current failures: tests that pass or are stale are
dropped, existing entries keep their group and reason, and new failures are
appended under a `## New failures` group with kiln's first error line as
the reason. Edit those reasons (and move them into the right group) before
committing. Crashes are never written to the list; fix them instead.

--report FILE writes a markdown report with every candidate's status and
first error line, and why each other test is not applicable.

Standard library and onnx only; run with /usr/bin/python3.
"""

import argparse
import collections
import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import onnx

TIMEOUT_S = 60
REASON_MAX = 120
NEW_GROUP = "New failures (edit the reasons and regroup)"
DEFAULT_DOMAINS = ("", "ai.onnx")
# What an LLVM tool prints when it crashes but still exits normally.
CRASH_MARKERS = ("PLEASE submit a bug report", "Stack dump:")


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


# --------------------------------------------------------------------------
# Running kiln
# --------------------------------------------------------------------------

Result = collections.namedtuple("Result", "status detail seconds")


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


def run_kiln(kiln, model_path):
    start = time.monotonic()
    # Its own process group, so that a timeout kills whatever it started.
    proc = subprocess.Popen(
        [kiln, "import", str(model_path), "-o", os.devnull],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, errors="replace",
        start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return Result("timeout", "no result after %d s" % TIMEOUT_S,
                      time.monotonic() - start)
    seconds = time.monotonic() - start
    if proc.returncode < 0:
        try:
            sig = signal.Signals(-proc.returncode).name
        except ValueError:
            sig = "signal %d" % -proc.returncode
        return Result("crash", "killed by %s: %s"
                      % (sig, first_error(output, model_path)), seconds)
    if any(marker in output for marker in CRASH_MARKERS):
        return Result("crash", "crashed (exit %d): %s"
                      % (proc.returncode, first_error(output, model_path)),
                      seconds)
    if proc.returncode != 0:
        return Result("fail", first_error(output, model_path), seconds)
    return Result("pass", "", seconds)


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

    def write(self, path, failures):
        """Rewrites the list to hold exactly `failures` (name -> detail)."""
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
        preamble = self.preamble or [
            "# ONNX backend node tests that `kiln import` is expected to fail.",
            "# One per line: test_name  # why. '## Title' starts a group.",
            "# See import_node_tests.py for the rules and --update-xfail.",
        ]
        out = [line for line in preamble]
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

def write_report(path, results, not_applicable, xfail, elapsed):
    def cell(text):
        return text.replace("|", "\\|").replace("\n", " ")

    counts = collections.Counter(r.status for r in results.values())
    lines = [
        "# kiln import: ONNX backend node tests",
        "",
        "%d candidates: %d pass, %d fail, %d timeout, %d crash; "
        "%d not applicable (%.1f s)."
        % (len(results), counts["pass"], counts["fail"], counts["timeout"],
           counts["crash"], len(not_applicable), elapsed),
        "",
        "## Candidates",
        "",
        "| test | status | expected failure | first error line |",
        "|---|---|---|---|",
    ]
    for name in sorted(results):
        r = results[name]
        listed = "yes" if name in xfail.entries else ""
        lines.append("| %s | %s | %s | %s |"
                     % (name, r.status, listed, cell(r.detail)))
    blocking = collections.Counter()
    for why in not_applicable.values():
        if why.startswith("unsupported ops: "):
            blocking.update(why[len("unsupported ops: "):].split(", "))
    lines += ["", "## Operators kiln does not import, by tests that use them",
              "", "| operator | tests |", "|---|---|"]
    for op, count in sorted(blocking.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append("| %s | %d |" % (op, count))
    lines += ["", "## Not applicable", "", "| test | why |", "|---|---|"]
    for name in sorted(not_applicable):
        lines.append("| %s | %s |" % (name, cell(not_applicable[name])))
    path.write_text("\n".join(lines) + "\n")


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def parse_args():
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(
        description=__doc__,
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
                        help="parallel kiln runs (default: %(default)s)")
    parser.add_argument("--report", type=Path, metavar="FILE",
                        help="write a markdown report here")
    parser.add_argument("--update-xfail", action="store_true",
                        help="rewrite the expected-failures list from the "
                             "current failures")
    return parser.parse_args()


def main():
    args = parse_args()
    start = time.monotonic()
    kiln = os.path.abspath(args.kiln)
    for tool in (Path(kiln), args.generator):
        if not os.access(tool, os.X_OK):
            sys.exit("error: %s is not an executable (see --help)" % tool)

    ops = subprocess.run([kiln, "ops"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    if ops.returncode != 0:
        sys.exit("error: `%s ops` failed: %s" % (kiln, ops.stderr.strip()))
    supported = set(ops.stdout.split())
    if not supported:
        sys.exit("error: `%s ops` listed no operators" % kiln)

    tests_dir = args.work_dir / "onnx-tests"
    generate_tests(args.generator, tests_dir)
    tests = find_tests(tests_dir)
    if not tests:
        sys.exit("error: %s generated no tests in %s" % (args.generator,
                                                          tests_dir))

    candidates, not_applicable = {}, {}
    for name, model in tests.items():
        why = why_not_applicable(model, supported)
        if why is None:
            candidates[name] = model
        else:
            not_applicable[name] = why

    results = {}
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = {pool.submit(run_kiln, kiln, model): name
                   for name, model in candidates.items()}
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()
    elapsed = time.monotonic() - start

    passed = sorted(n for n, r in results.items() if r.status == "pass")
    failed = {n: r for n, r in results.items()
              if r.status in ("fail", "timeout")}
    crashes = sorted(n for n, r in results.items() if r.status == "crash")
    xfail = XfailList.read(args.expected_failures)
    if args.update_xfail:
        xfail.write(args.expected_failures,
                    {n: r.detail for n, r in failed.items()})
        print("updated %s: %d entries (was %d)%s"
              % (args.expected_failures, len(failed), len(xfail.entries),
                 "; crashes are never listed, fix them" if crashes else ""))
        xfail = XfailList.read(args.expected_failures)
    listed = xfail.entries
    expected = sorted(n for n in failed if n in listed)
    unexpected_fail = sorted(n for n in failed if n not in listed)
    unexpected_pass = sorted(n for n in passed if n in listed)
    stale = sorted(n for n in listed if n not in results)

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
        ("candidates", len(candidates)),
        ("passed", len(passed)),
        ("expected failures", len(expected)),
        ("unexpected failures", len(unexpected_fail)),
        ("unexpected passes", len(unexpected_pass)),
        ("crashes", len(crashes)),
        ("stale list entries", len(stale)),
    ]
    print()
    print("kiln import, ONNX backend node tests (%.1f s, %d jobs)"
          % (elapsed, args.jobs))
    for label, count in rows:
        print("  %-20s %5d" % (label, count))
    bad = len(unexpected_fail) + len(unexpected_pass) + len(crashes)
    print("%d passed, %d failed" % (len(passed), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

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

import collections
import os
import sys
import time
from pathlib import Path

# The parts shared with run_node_tests.py (discovery, running a process,
# the expected-failures file, the CI verdict) live in nodetests.py.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import nodetests  # noqa: E402
from nodetests import cell, not_applicable_sections  # noqa: E402

TIMEOUT_S = 60
DEFAULT_PREAMBLE = [
    "# ONNX backend node tests that `kiln import` is expected to fail.",
    "# One per line: test_name  # why. '## Title' starts a group.",
    "# See import_node_tests.py for the rules and --update-xfail.",
]


# --------------------------------------------------------------------------
# Running kiln
# --------------------------------------------------------------------------

Result = collections.namedtuple("Result", "status detail seconds")


def run_kiln(kiln, model_path):
    proc = nodetests.run_process([kiln, "import", model_path, "-o",
                                  os.devnull], TIMEOUT_S, model_path)
    status = "pass" if proc.status == "ok" else proc.status
    return Result(status, proc.detail, proc.seconds)


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

def write_report(path, results, not_applicable, xfail, elapsed):
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
    lines += nodetests.baked_section()
    lines += not_applicable_sections(
        not_applicable,
        "Operators kiln does not import, by tests that use them")
    path.write_text("\n".join(lines) + "\n")


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def parse_args():
    return nodetests.make_parser(__doc__).parse_args()


def main():
    args = parse_args()
    start = time.monotonic()
    kiln = os.path.abspath(args.kiln)
    tests, candidates, not_applicable = nodetests.collect(args, kiln)
    results = nodetests.run_all(lambda name, model: run_kiln(kiln, model),
                                candidates, args.jobs)
    elapsed = time.monotonic() - start
    return nodetests.finish(
        args, "kiln import, ONNX backend node tests", tests, not_applicable,
        results, elapsed, write_report, DEFAULT_PREAMBLE)


if __name__ == "__main__":
    sys.exit(main())

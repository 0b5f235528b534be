"""handoff.py - what splitting a loop over two threads costs on this machine.

Usage: /usr/bin/python3 bench/handoff.py [--kiln PATH] [--out FILE]

kiln-parallelize-loops splits a contraction only when it does enough
multiply-adds per element of activations it reads or writes
(min-macs-per-moved-element). This measures the two figures behind that
rule, through the runtime's own kiln_parallel_for (taken from a model that
`kiln compile --emit=shared` builds, so the pool is the one models use):

- the hand-off: 8 chunks of a float sum over data each core already has
  in its caches (the same call repeated), 1 thread against 2;
- the data's move between cores: the same, but the calling thread writes
  the data before every call, so the other core's chunks must fetch theirs
  from the caller's caches.

A small C harness (compiled with clang-19 -O2) makes the calls, pinned to
the first two cores; the table goes to stdout and to
bench/results/handoff.md (or --out), with the date and the command.
"""
import argparse
import datetime
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HARNESS = r"""
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
typedef void (*body_t)(void *, int64_t, int64_t);
typedef void (*pf_t)(body_t, void *, int64_t, int64_t, int32_t);
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}
static volatile float sink;
static long work;
static float *buf;
static void body(void *ctx, int64_t begin, int64_t end) {
  (void)ctx;
  for (int64_t i = begin; i < end; ++i) {
    float s = 0;
    const float *p = buf + i * work;
    for (long k = 0; k < work; ++k) s += p[k];
    sink = s;
  }
}
/* Best of 5 rounds of the mean time per call (seconds). */
static double timeCalls(pf_t pf, int threads, int written, int reps) {
  double best = 1e9;
  for (int r = 0; r < 5; ++r) {
    double t0 = now();
    for (int i = 0; i < reps; ++i) {
      if (written)
        for (long q = 0; q < 8 * work; q += 16) buf[q] = (float)i;
      pf(body, 0, 8, 1, threads);
    }
    double t = (now() - t0) / reps;
    if (t < best) best = t;
  }
  return best;
}
int main(int argc, char **argv) {
  void *lib = dlopen(argv[1], RTLD_NOW);
  if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 1; }
  pf_t pf = (pf_t)dlsym(lib, "kiln_parallel_for");
  if (!pf) { fprintf(stderr, "no kiln_parallel_for in %s\n", argv[1]); return 1; }
  for (long w = 256; w <= 65536; w *= 4) {
    work = w;
    buf = calloc(8 * w, sizeof(float));
    int reps = (int)(20000000 / (8 * w)) + 10;
    for (int written = 0; written <= 1; ++written) {
      double one = timeCalls(pf, 1, written, reps);
      double two = timeCalls(pf, 2, written, reps);
      printf("%d %ld %.3f %.3f\n", written, 8 * w, one * 1e6, two * 1e6);
    }
    free(buf);
  }
  return 0;
}
"""


def find_kiln(path):
    if path:
        return path
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "..", "build", "release", "bin", "kiln"),
                      os.path.join(here, "..", "build", "bin", "kiln"), shutil.which("kiln")):
        if candidate and os.path.exists(candidate):
            return os.path.abspath(candidate)
    sys.exit("handoff.py: no kiln driver found; pass --kiln")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiln", help="the kiln driver (default: build/release/bin/kiln)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "results", "handoff.md"))
    args = parser.parse_args()
    kiln = find_kiln(args.kiln)
    import onnx
    from onnx import TensorProto, helper

    with tempfile.TemporaryDirectory(prefix="kiln-handoff-") as work:
        # Any model with a split loop carries the pool; a 256^3 MatMul is one.
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["a", "b"], ["y"])], "g",
            [helper.make_tensor_value_info("a", TensorProto.FLOAT, [256, 256]),
             helper.make_tensor_value_info("b", TensorProto.FLOAT, [256, 256])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [256, 256])])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.save(model, os.path.join(work, "g.onnx"))
        subprocess.run([kiln, "compile", os.path.join(work, "g.onnx"), "--emit=shared",
                        "--name=pool", "--threads=2", "-o", work], check=True,
                       stdout=subprocess.DEVNULL)
        source = os.path.join(work, "handoff.c")
        with open(source, "w") as f:
            f.write(HARNESS)
        binary = os.path.join(work, "handoff")
        compiler = shutil.which("clang-19") or shutil.which("cc")
        subprocess.run([compiler, "-O2", "-o", binary, source, "-ldl"], check=True)
        out = subprocess.run(["taskset", "-c", "0,1", binary, os.path.join(work, "libpool.so")],
                             check=True, capture_output=True, text=True).stdout

    rows = {}
    for line in out.strip().splitlines():
        written, floats, one, two = line.split()
        rows.setdefault(int(floats), {})[int(written)] = (float(one), float(two))
    command = " ".join(shlex.quote(a) for a in ["/usr/bin/python3", "bench/handoff.py"] + sys.argv[1:])
    lines = [
        "# Splitting a loop over two threads: hand-off and data movement",
        "",
        f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Command: `{command}` (pinned to cores 0 and 1)",
        "- Loop: 8 chunks of a float sum, through the runtime's kiln_parallel_for; "
        "best of 5 rounds of the mean time per call",
        "- 'data in place': the same call repeated, each core's chunks stay in its caches; "
        "'written by the caller': the calling thread writes the data before every call",
        "",
        "| floats | data in place: 1 thread (us) | 2 threads (us) | speed-up "
        "| written by the caller: 1 thread (us) | 2 threads (us) | speed-up "
        "| extra ns per float moved |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for floats in sorted(rows):
        (h1, h2), (w1, w2) = rows[floats][0], rows[floats][1]
        # Half the floats move to the other core. What writing them first
        # adds to the split call, beyond what it adds to the 1-thread call
        # (the writes themselves), per float moved.
        extra = ((w2 - h2) - (w1 - h1)) * 1e3 / (floats / 2)
        lines.append(f"| {floats} | {h1:.2f} | {h2:.2f} | {h1 / h2:.2f}x "
                     f"| {w1:.2f} | {w2:.2f} | {w1 / w2:.2f}x | {extra:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    temp = args.out + ".tmp"
    with open(temp, "w") as f:
        f.write(text)
    os.replace(temp, args.out)


if __name__ == "__main__":
    main()

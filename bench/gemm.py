"""gemm.py - f32 matmul throughput of kiln-compiled code, 1 and 2 threads.

Usage: /usr/bin/python3 bench/gemm.py [--quick] [--kiln PATH] [--threads 1,2]
                                      [--seconds S] [--out FILE]

For each N in 256, 512, 1024, 2048 (--quick drops 2048) the script writes an
ONNX model with one MatMul of two N x N f32 inputs, compiles it with
`kiln compile --emit=shared`, checks one result against a float64 NumPy
reference, then times NAME_run through ctypes: warm-up calls, then repeated
calls for about --seconds, reporting the median (and the best) as GFLOP/s =
2 N^3 / time. numpy.matmul on the same inputs is timed the same way, and a
tiny C loop of independent FMA chains, compiled with clang-19 -O3
-march=native, measures the core's f32 peak.

Each thread count T of --threads runs in its own process pinned to the
first T cores (like `taskset -c 0-(T-1)`), with kiln's model compiled with
`--threads T` and KILN_NUM_THREADS=T, and the BLAS under numpy limited to T
threads (OPENBLAS_NUM_THREADS and friends, which must be set before numpy
loads). OPENBLAS_CORETYPE is removed from that environment: this workplace
sets it to Haswell, which would pin OpenBLAS to its AVX2 kernels.

The markdown table goes to stdout and to bench/results/gemm.md (or --out),
headed by the date, the command, the machine and the tool versions.
"""
import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

# The BLAS gets as many threads as kiln (set by the parent process for each
# thread count); must precede numpy.
THREADS = int(os.environ.get("KILN_GEMM_THREADS", "1"))
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
            "BLIS_NUM_THREADS", "KILN_NUM_THREADS"):
    os.environ[var] = str(THREADS)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

PEAK_C = r"""
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
/* CHAINS independent FMA dependency chains keep both FMA pipes busy despite
   the FMA latency; the empty asm keeps the accumulators live in registers. */
#if defined(__AVX512F__)
typedef __m512 V;
#define FMA _mm512_fmadd_ps
#define SET1 _mm512_set1_ps
#define LANES 16
#define CHAINS 16
#elif defined(__FMA__)
typedef __m256 V;
#define FMA _mm256_fmadd_ps
#define SET1 _mm256_set1_ps
#define LANES 8
#define CHAINS 12
#else
#error "needs FMA"
#endif
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}
int main(void) {
  V acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = SET1(i * 1e-3f);
  V x = SET1(0.999999f), y = SET1(1e-7f);
  const long iters = 40000000;
  double best = 0;
  for (int rep = 0; rep < 7; rep++) {
    double t = now();
    for (long it = 0; it < iters; it++) {
      for (int i = 0; i < CHAINS; i++) {
        acc[i] = FMA(acc[i], x, y);
        __asm__ volatile("" : "+x"(acc[i]));
      }
    }
    double g = (double)iters * CHAINS * LANES * 2 / (now() - t) / 1e9;
    if (g > best) best = g;
  }
  float sink = 0, lanes[LANES];
  for (int i = 0; i < CHAINS; i++) { *(V *)lanes = acc[i]; sink += lanes[0]; }
  printf("%.1f %d %d %g\n", best, LANES, CHAINS, sink);
  return 0;
}
"""


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          **kwargs).stdout


def find_kiln(explicit):
    if explicit:
        return explicit
    for candidate in (shutil.which("kiln"),
                      os.path.join(HERE, "..", "..", "build", "bin", "kiln"),
                      os.path.join(HERE, "..", "build", "bin", "kiln")):
        if candidate and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    sys.exit("gemm.py: no kiln binary; pass --kiln PATH")


def make_model(path, n):
    def value(name):
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, [n, n])
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["y"], name="matmul")],
        f"gemm{n}", [value("a"), value("b")], [value("y")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


def time_calls(call, seconds, warmup=2):
    """\returns (median, best, median CPU) seconds per call over about
    `seconds`. The CPU time (this thread's) leaves out the time the core
    spent on other processes, which a busy shared machine adds to the wall
    clock."""
    for _ in range(warmup):
        call()
    start = time.perf_counter()
    call()
    first = time.perf_counter() - start
    reps = max(3, min(200, int(seconds / max(first, 1e-9))))
    wall, cpu = [], []
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), time.thread_time()
        call()
        cpu.append(time.thread_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return float(np.median(wall)), min(wall), float(np.median(cpu))


def scratch_bytes(header, name):
    """\returns the scratch arena NAME_run takes as its last argument
    (NAME_SCRATCH_BYTES in the generated header), or None."""
    with open(header) as f:
        match = re.search(rf"#define {name.upper()}_SCRATCH_BYTES (\d+)",
                          f.read())
    return int(match.group(1)) if match else None


def blas_library():
    """\returns the BLAS shared library numpy actually loaded, and its kind."""
    a = np.ones((64, 64), np.float32)
    a @ a  # make sure the BLAS is loaded
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            name = os.path.basename(path).lower()
            if any(k in name for k in ("blas", "blis", "mkl", "atlas")):
                libs.add(os.path.realpath(path))
    if not libs:
        return "unknown", "unknown BLAS"
    lib = sorted(libs)[0]
    lower = lib.lower()
    kind = ("OpenBLAS" if "openblas" in lower else
            "BLIS" if "blis" in lower else
            "MKL" if "mkl" in lower else
            "ATLAS" if "atlas" in lower else
            "reference BLAS (netlib)" if "/blas/" in lower else "BLAS")
    return lib, kind


def measure_peak(workdir):
    src = os.path.join(workdir, "peak.c")
    exe = os.path.join(workdir, "peak")
    with open(src, "w") as f:
        f.write(PEAK_C)
    run(["clang-19", "-O3", "-march=native", src, "-o", exe])
    fields = run([exe]).split()
    return float(fields[0]), int(fields[1]), int(fields[2])


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def measure(args, kiln):
    """Times every size at THREADS threads; \returns the rows as a dict."""
    sizes = [256, 512, 1024] + ([] if args.quick else [2048])
    workdir = tempfile.mkdtemp(prefix="kiln-gemm-")
    rng = np.random.default_rng(0)
    peak, lanes, chains = measure_peak(workdir)
    blas_path, blas_kind = blas_library()
    rows = []
    for n in sizes:
        name = f"gemm{n}"
        model = os.path.join(workdir, name + ".onnx")
        make_model(model, n)
        run([kiln, "compile", model, "--emit=shared", f"--name={name}",
             f"--threads={THREADS}", "-o", workdir])
        lib = ctypes.CDLL(os.path.join(workdir, f"lib{name}.so"))
        entry = getattr(lib, name + "_run")
        entry.restype = None
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        y = np.empty((n, n), np.float32)
        pointers = [a.ctypes.data, b.ctypes.data, y.ctypes.data]
        scratch = scratch_bytes(os.path.join(workdir, name + ".h"), name)
        if scratch is not None:
            arena = np.zeros(scratch + 64, np.uint8)
            pointers.append((arena.ctypes.data + 63) // 64 * 64)
        entry.argtypes = [ctypes.c_void_p] * len(pointers)

        entry(*pointers)
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        want = a64 @ b64
        # Error relative to sum_k |a_ik b_kj|, whose worst-case bound for an
        # f32 dot product of length N is about N * 2^-24.
        error = float(np.max(np.abs(y - want) / (np.abs(a64) @ np.abs(b64))))
        if error > n * 2.0 ** -24:
            sys.exit(f"gemm.py: kiln's {n}^3 result is wrong (max "
                     f"|got - want| / (|A| |B|) = {error:.3g} > N * 2^-24)")

        flop = 2.0 * n ** 3
        kiln_times = time_calls(lambda: entry(*pointers), args.seconds)
        out = np.empty_like(y)
        numpy_times = time_calls(lambda: np.matmul(a, b, out=out),
                                 args.seconds, warmup=1)
        rows.append((n, [flop / t / 1e9 for t in kiln_times],
                     [flop / t / 1e9 for t in numpy_times], error))
        print(f"{THREADS} thread(s) N={n}: kiln {rows[-1][1][0]:.1f} "
              f"GFLOP/s, numpy {rows[-1][2][0]:.2f} GFLOP/s", file=sys.stderr)
    shutil.rmtree(workdir)
    return {"threads": THREADS, "peak": peak, "lanes": lanes,
            "chains": chains, "blas_path": blas_path, "blas_kind": blas_kind,
            "rows": rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip N=2048")
    parser.add_argument("--kiln", help="the kiln driver (default: PATH, then "
                        "../build/bin/kiln next to the repository)")
    parser.add_argument("--threads", default="1,2",
                        help="thread counts, each pinned to the first cores")
    parser.add_argument("--seconds", type=float, default=2.0,
                        help="timing budget per measurement")
    parser.add_argument("--out", default=os.path.join(HERE, "results",
                                                      "gemm.md"))
    parser.add_argument("--child", action="store_true",
                        help=argparse.SUPPRESS)  # one thread count, as JSON
    args = parser.parse_args()
    kiln = find_kiln(args.kiln)
    if args.child:
        json.dump(measure(args, kiln), sys.stdout)
        return

    load_before = os.getloadavg()
    results = []
    for threads in [int(t) for t in args.threads.split(",")]:
        env = dict(os.environ, KILN_GEMM_THREADS=str(threads))
        env.pop("OPENBLAS_CORETYPE", None)
        cmd = ["taskset", "-c", f"0-{threads - 1}", sys.executable,
               os.path.abspath(__file__), "--child", "--kiln", kiln,
               "--seconds", str(args.seconds)] + (["--quick"] if args.quick
                                                  else [])
        proc = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                              text=True, env=env)
        results.append(json.loads(proc.stdout))
    load_after = os.getloadavg()

    first = results[0]
    peak = first["peak"]
    command = " ".join(["/usr/bin/python3"] +
                       [shlex.quote(a) for a in sys.argv])
    lines = [
        "# f32 GEMM (C = A x B, square N x N) at " +
        " and ".join(f"{r['threads']}" for r in results) + " thread(s)",
        "",
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Command: `{command}` (each thread count T pinned to the first T "
        "cores, like `taskset -c 0-(T-1)`)",
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical CPUs; "
        f"load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after (other work on the machine skews the "
        "median; the best run is less sensitive)",
        f"- kiln: {run([kiln, '--version']).strip()} "
        "(`kiln compile --emit=shared --threads T`, `NAME_run` called "
        "through ctypes)",
        f"- Peak: {peak:.1f} GFLOP/s single-core f32, measured by "
        f"{first['chains']} independent {first['lanes']}-lane FMA chains "
        f"({run(['clang-19', '--version']).splitlines()[0]}, "
        "-O3 -march=native); the 2-core peak is twice that",
        f"- NumPy {np.__version__}, numpy.matmul on {first['blas_kind']}: "
        f"`{first['blas_path']}`, with as many threads as kiln "
        "(OPENBLAS_CORETYPE unset for these runs only)",
        f"- Timing: warm-up, then repeated calls for about {args.seconds:g} s "
        "per cell; GFLOP/s = 2 N^3 / seconds per call; median and best wall "
        "clock",
    ]
    for result in results:
        threads = result["threads"]
        lines += [
            "",
            f"## {threads} thread{'s' if threads > 1 else ''}",
            "",
            "| N | kiln median GFLOP/s | kiln best | % of peak "
            f"({threads} core{'s' if threads > 1 else ''}) "
            "| speed-up over 1 thread | numpy median | numpy best | kiln error |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for i, (n, (km, kb, _), (nm, nb, _), err) in enumerate(result["rows"]):
            one = first["rows"][i][1][0] if first["threads"] == 1 else None
            speedup = f"{km / one:.2f}x" if one else "-"
            lines.append(f"| {n} | {km:.1f} | {kb:.1f} "
                         f"| {100 * km / (peak * threads):.0f}% | {speedup} "
                         f"| {nm:.1f} | {nb:.1f} | {err:.1e} |")
    lines.append("")
    lines.append("kiln error: max over C of |kiln - float64 reference| / "
                 "(|A| |B|), i.e. relative to the sum of |a_ik b_kj|; the "
                 "worst-case bound for f32 is about N * 2^-24.")
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()

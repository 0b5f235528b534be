"""torch_bench.py - latency of one suite model under PyTorch (CPU).

Usage: /usr/bin/python3 bench/torch_bench.py MODEL THREADS WARMUP RUNS MODE

MODEL is a name from bench/models.py's SUITE, MODE `eager` (the module under
torch.inference_mode) or `jit` (torch.jit.trace + torch.jit.freeze, the
usual deployment path). torch.set_num_threads(THREADS); WARMUP calls, then
RUNS timed calls one by one. Prints one JSON line:
  {"median_ms": ..., "min_ms": ..., "max_ms": ..., "runs": ...}
"""
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402


def main(argv):
    if len(argv) != 6 or argv[5] not in ("eager", "jit"):
        sys.exit("usage: torch_bench.py MODEL THREADS WARMUP RUNS eager|jit")
    name, threads, warmup, runs, mode = argv[1], *map(int, argv[2:5]), argv[5]
    entry = next((m for m in models.SUITE if m.name == name), None)
    if entry is None:
        sys.exit("torch_bench.py: no model %r in the suite" % name)
    import torch
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    module, x = models.build(entry)
    with torch.inference_mode():
        fn = module
        if mode == "jit":
            fn = torch.jit.freeze(torch.jit.trace(module, (x,)))
        for _ in range(warmup):
            fn(x)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn(x)
            times.append((time.perf_counter() - start) * 1e3)
    print(json.dumps({"median_ms": statistics.median(times),
                      "min_ms": min(times), "max_ms": max(times),
                      "runs": runs}))


if __name__ == "__main__":
    main(sys.argv)

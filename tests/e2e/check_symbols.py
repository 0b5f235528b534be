"""check_symbols.py OBJECT...

Fails if a compiled model's object needs any symbol beyond the C library's
memory moves, libm and the kiln runtime's kiln_parallel_for (its thread pool,
kiln/threads.h): generated code must not depend on MLIR, LLVM or C++ runtime
libraries, and must not allocate (every intermediate tensor lives in the
planned scratch arena). Prints the undefined symbols it found.
"""
import subprocess
import sys

ALLOWED = {
    # libc: memory moves LLVM emits for copies and fills. No allocator.
    "memset", "memcpy", "memmove",
    # libm: transcendental functions not expanded into polynomials.
    "exp", "expf", "log", "logf", "tanh", "tanhf", "sqrt", "sqrtf", "pow",
    "powf", "erf", "erff", "fmod", "fmodf", "exp2", "exp2f", "log1p",
    "log1pf", "expm1", "expm1f",
    # The kiln runtime: large loops run on its thread pool.
    "kiln_parallel_for",
}

status = 0
for path in sys.argv[1:]:
    out = subprocess.run(["llvm-nm", "--undefined-only", "--format=just-symbols", path],
                         check=True, capture_output=True, text=True).stdout
    undefined = sorted(s for s in out.split() if s)
    print(f"{path}: undefined: {' '.join(undefined) or '(none)'}")
    bad = [s for s in undefined if s not in ALLOWED]
    if bad:
        print(f"{path}: FORBIDDEN: {' '.join(bad)}")
        status = 1
sys.exit(status)

"""run_shared.py LIB.so NAME WANT.npy INPUT.npy... [--rtol R --atol A]

Calls NAME_run of a shared library built by `kiln compile --emit=shared`
through ctypes, with float32 buffers shaped like the references and the
scratch arena the generated header (NAME.h next to the library) asks for,
and compares the single output with WANT.npy (as compare_npy.py does).
"""
import argparse
import ctypes
import os
import re
import sys

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("lib")
parser.add_argument("name")
parser.add_argument("want")
parser.add_argument("inputs", nargs="+")
parser.add_argument("--rtol", type=float, default=1e-4)
parser.add_argument("--atol", type=float, default=1e-5)
args = parser.parse_args()

lib = ctypes.CDLL(args.lib)
run = getattr(lib, args.name + "_run")
want = np.load(args.want)
inputs = [np.ascontiguousarray(np.load(p)) for p in args.inputs]
got = np.zeros_like(want)
header = open(os.path.join(os.path.dirname(args.lib), args.name + ".h")).read()
match = re.search(r"#define \w+_SCRATCH_BYTES (\d+)", header)
pointers = [a.ctypes.data for a in inputs] + [got.ctypes.data]
if match:
    # 64-byte aligned, as NAME_SCRATCH_ALIGNMENT says.
    raw = np.zeros(int(match.group(1)) + 64, np.uint8)
    pointers.append(raw.ctypes.data + (-raw.ctypes.data) % 64)
run.argtypes = [ctypes.c_void_p] * len(pointers)
run(*pointers)
diff = np.abs(got.astype(np.float64) - want)
ok = np.all(diff <= args.atol + args.rtol * np.abs(want))
print(f"{'ok' if ok else 'MISMATCH'}: {args.name}_run max abs error {diff.max():.3g}")
sys.exit(0 if ok else 1)

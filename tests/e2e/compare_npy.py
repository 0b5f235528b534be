"""compare_npy.py GOT.npy WANT.npy [--rtol R] [--atol A]

Exits 0 if GOT matches WANT: same dtype and shape, and
|got - want| <= atol + rtol * |want| element-wise (NaN matches NaN).
Prints the max abs/rel error either way, so a failing test shows how far off
it was.
"""
import argparse
import sys

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("got")
parser.add_argument("want")
parser.add_argument("--rtol", type=float, default=1e-4)
parser.add_argument("--atol", type=float, default=1e-5)
args = parser.parse_args()

got, want = np.load(args.got), np.load(args.want)
if got.dtype != want.dtype or got.shape != want.shape:
    print(f"MISMATCH: got {got.dtype} {list(got.shape)}, want {want.dtype} {list(want.shape)}")
    sys.exit(1)
g, w = got.astype(np.float64), want.astype(np.float64)
diff = np.abs(g - w)
both_nan = np.isnan(g) & np.isnan(w)
diff[both_nan] = 0
rel = diff / np.maximum(np.abs(w), np.finfo(np.float64).tiny)
ok = np.all((diff <= args.atol + args.rtol * np.abs(w)) | both_nan)
print(f"{'ok' if ok else 'MISMATCH'}: {got.dtype} {list(got.shape)}, "
      f"max abs error {diff.max() if diff.size else 0:.3g}, "
      f"max rel error {rel.max() if rel.size else 0:.3g} "
      f"(rtol {args.rtol:g}, atol {args.atol:g})")
sys.exit(0 if ok else 1)

#!/usr/bin/python3
"""Products of two graph inputs large enough for the contraction kernels'
panels (kiln-tile-and-vectorize-contractions), NumPy references.

Usage: /usr/bin/python3 make_panel_cases.py OUTDIR [--run KILN [ARGS...]]

Writes CASE.onnx, CASE_in*.npy and CASE_out*.npy for every case below. B is
a graph input (not a constant stored as strips), so a K x N block that more
than one M cache tile reads is copied into column panels (pack-rhs), and a
row-major A that enough register columns read into row panels (pack-lhs:
with the default tiles on AVX2 hosts, where an N cache tile holds 32
register columns; AVX-512 hosts keep A in place). The shapes reach every
edge of that: an N edge strip narrower than NR (masked, packed the old way
beside the panels), M edges shorter than a register tile, K past one and
two cache blocks with a remainder, a transposed A (read in place); and a
batched product, which keeps the per-strip packing (panels are 2-D only). B's entries are scaled by 1/sqrt(K), so
outputs are O(1) and the tolerances are relative to that. The references
compute in float64 from the float32 data.

With --run KILN [ARGS...], runs `KILN run CASE.onnx -i ... --expect ...
ARGS` on every case (rtol 1e-4, atol 1e-5), prints `CASE: ok` or
`CASE: FAILED` with kiln's output, and exits 1 if any case failed.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_epilogue_cases import Case, run_cases  # noqa: E402


def product(name, seed, a_shape, b_shape, trans_a=False):
    """\returns the maker of case NAME: a MatMul of graph inputs a and b (a
    Gemm with transA when TRANS_A), b's entries of variance 1/K."""
    def make(outdir):
        c = Case(name, seed)
        a = c.input("a", a_shape)
        c.input("b", b_shape)
        c.feeds[-1] = (c.feeds[-1] / np.sqrt(b_shape[-2])).astype(np.float32)
        b = c.feeds[-1].astype(np.float64)
        if trans_a:
            c.node("Gemm", ["a", "b"], ["y"], transA=1)
            return c.save(outdir, [("y", a.T @ b)])
        c.node("MatMul", ["a", "b"], ["y"])
        return c.save(outdir, [("y", a @ b)])
    return make


CASES = [
    # 300 rows: several M cache tiles read each K x N block of B, which is
    # copied into 20 (AVX-512) or 40 (AVX2) column panels; the last 10
    # columns are an edge strip, masked. 300 rows end in a short M tile.
    product("column_panels_and_edge", 11, [300, 200], [200, 650]),
    # 1100 columns: an N cache tile of 32 register columns on AVX2 reads
    # each block of A, which goes into row panels there; K = 300 is one
    # cache block plus a remainder of 44 on AVX2; 130 rows end in an edge.
    product("row_panels_long_rows", 12, [130, 300], [300, 1100]),
    # K = 1100: two or four K cache blocks and a remainder; the panels are
    # copied again for every K block and C accumulates across them.
    product("deep_k_blocks", 13, [250, 1100], [1100, 260]),
    # Panels are 2-D only: after the batch dim is tiled by 1, B's operand is
    # a 1 x K x N view, which packPanels does not take; each strip is then
    # packed per register column as before. Checks that path beside them.
    product("batched_strips", 14, [2, 300, 96], [2, 96, 700]),
    # Gemm with transA: A is read column-wise in place (no row panels), B
    # still goes into column panels.
    product("transposed_a", 15, [200, 250], [200, 300], trans_a=True),
]


if __name__ == "__main__":
    run_cases(CASES, __doc__)

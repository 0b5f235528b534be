#!/usr/bin/env python3
"""Regenerates the golden .npy files that NpyTest.cpp reads.

Run from anywhere with NumPy installed (they were made with NumPy 1.24):
    python3 tests/unit/runtime/testdata/generate.py
The files are committed; the tests do not need Python or NumPy. Keep every
file tiny, and update the expectations in NpyTest.cpp when a value changes.
"""
import os

import numpy as np
from numpy.lib import format as npy_format

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, array, version=None):
    path = os.path.join(HERE, name)
    if version is None:
        np.save(path, array, allow_pickle=False)
    else:
        with open(path, "wb") as f:
            npy_format.write_array(f, array, version=version, allow_pickle=False)


# Readable: values are arange-based so the test can recompute them.
save("f32_2x3.npy", (np.arange(6, dtype="<f4") * 0.5 - 1.0).reshape(2, 3))
save("i64_scalar.npy", np.array(-42, dtype="<i8"))
save("bool_4.npy", np.array([True, False, False, True]))
save("f16_2x2.npy", np.array([[1.0, -2.0], [0.5, 65504.0]], dtype="<f2"))
save("u8_empty_0x3.npy", np.zeros((0, 3), dtype="|u1"))
save("i32_v2.npy", np.arange(5, dtype="<i4") - 2, version=(2, 0))
save("u16_v3.npy", np.arange(3, dtype="<u2") * 1000, version=(3, 0))

# Rejected: NumPy can write them, kiln does not support them.
save("f64_2x3_fortran.npy", np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)))
save("f32_big_endian.npy", np.arange(3, dtype=">f4"))

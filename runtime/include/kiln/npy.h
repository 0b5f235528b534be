/*===- kiln/npy.h - Read and write NumPy .npy files ----------------------===*
 *
 * Part of kiln, an ahead-of-time compiler for deep-learning models.
 *
 *===----------------------------------------------------------------------===*
 *
 * How tensors enter and leave the `kiln` tool and compiled executables
 * (`kiln run model.onnx -i x.npy -o y.npy`). Supports the NumPy .npy format
 * versions 1.0, 2.0 and 3.0 for reading and writes version 1.0, byte for
 * byte as numpy.save() does for C-order arrays.
 *
 * Element types map to .npy descriptors as follows ('|' and '<' are both
 * accepted when reading, as NumPy writes '|' for one-byte types):
 *
 *   f32 '<f4'  f64 '<f8'  f16 '<f2'  i8 '|i1'  i16 '<i2'  i32 '<i4'
 *   i64 '<i8'  u8 '|u1'   u16 '<u2'  u32 '<u4' u64 '<u8'  bool '|b1'
 *   bf16 '<V2'
 *
 * NumPy has no bfloat16, so bf16 uses '<V2' (two opaque bytes): this is what
 * numpy.save() writes for an ml_dtypes.bfloat16 array, and
 * `np.load(f).view(ml_dtypes.bfloat16)` recovers it. Reading therefore takes
 * any two-byte void descriptor to be bf16.
 *
 * Not supported, and reported as KILN_STATUS_INCOMPATIBLE: big-endian data,
 * fortran_order True, any other descriptor (objects, strings, structured
 * types, complex numbers, ...), rank above KILN_TENSOR_MAX_RANK, and format
 * versions other than 1.0, 2.0 and 3.0.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_NPY_H
#define KILN_NPY_H

#include <stddef.h>

#include "kiln/api.h"
#include "kiln/status.h"
#include "kiln/tensor.h"

KILN_EXTERN_C_BEGIN

/// Reads the .npy file at \p path into a new tensor.
///
/// \p path is read during the call only. On success the caller owns
/// \p *out_tensor and must pass it to kiln_tensor_release(); on failure
/// \p *out_tensor is NULL. \p error, if not NULL, receives at most
/// \p error_size bytes of NUL-terminated text: empty on success, otherwise a
/// message that starts with \p path (e.g. "x.npy: unsupported dtype '>f4'
/// (only little-endian numeric types)"). It is not kept after the call.
///
/// \returns KILN_STATUS_OK;
///   KILN_STATUS_INVALID_ARGUMENT if \p path or \p out_tensor is NULL, or the
///   file does not start with the .npy magic string ("not a .npy file");
///   KILN_STATUS_IO_ERROR if the file cannot be opened or read (the message
///   carries strerror(), e.g. "No such file or directory");
///   KILN_STATUS_DATA_LOSS if the file is corrupt: a truncated or malformed
///   header, or data that is shorter or longer than the header's shape and
///   dtype demand (the message gives both sizes);
///   KILN_STATUS_INCOMPATIBLE for the unsupported features listed at the top
///   of this file;
///   KILN_STATUS_OUT_OF_MEMORY if the tensor cannot be allocated.
KILN_API kiln_status_t kiln_npy_read(const char *path,
                                     kiln_tensor_t **out_tensor, char *error,
                                     size_t error_size);

/// Writes \p tensor to \p path as a version 1.0 .npy file, replacing any
/// existing file there.
///
/// The write is atomic: the bytes go to the temporary file
/// "<path>.tmp.<pid>" in the same directory, which is then renamed over
/// \p path. On any failure the temporary file is removed and \p path is left
/// as it was (absent, or with its previous contents). The new file is not
/// fsync()ed: atomic against crashes of this process, not of the machine.
///
/// \p path and \p tensor are read during the call only; \p tensor must not
/// be modified concurrently. \p error follows kiln_npy_read().
///
/// \returns KILN_STATUS_OK;
///   KILN_STATUS_INVALID_ARGUMENT if \p path or \p tensor is NULL;
///   KILN_STATUS_IO_ERROR if the temporary file cannot be created or
///   written, or cannot be renamed to \p path (e.g. \p path is a directory,
///   or its directory does not exist).
KILN_API kiln_status_t kiln_npy_write(const char *path,
                                      const kiln_tensor_t *tensor, char *error,
                                      size_t error_size);

KILN_EXTERN_C_END

#endif /* KILN_NPY_H */

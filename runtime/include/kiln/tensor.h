/*===- kiln/tensor.h - Element types and owning dense tensors ------------===*
 *
 * Part of kiln, an ahead-of-time compiler for deep-learning models.
 *
 *===----------------------------------------------------------------------===*
 *
 * kiln_tensor_t is the runtime's unit of data exchange: a dense, row-major
 * (C-order) array that owns its storage. The `kiln` tool and compiled models
 * use it to carry inputs and outputs, e.g. to and from .npy files (npy.h).
 * Ownership conventions are stated once in kiln/runtime.h.
 *
 *===----------------------------------------------------------------------===*/

#ifndef KILN_TENSOR_H
#define KILN_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "kiln/api.h"
#include "kiln/status.h"

KILN_EXTERN_C_BEGIN

/// Largest rank a kiln_tensor_t can have.
#define KILN_TENSOR_MAX_RANK 8

/// Alignment in bytes of every tensor's data: one cache line, and enough for
/// any vector load the compiler emits (AVX-512 included).
#define KILN_TENSOR_ALIGNMENT 64

/// Element type of a tensor. The values are stable (they appear in compiled
/// artifacts); 0 is reserved so that zero-initialised memory is never a
/// valid element type.
typedef enum kiln_dtype_e {
  KILN_DTYPE_F32 = 1,
  KILN_DTYPE_F64 = 2,
  KILN_DTYPE_F16 = 3,  ///< IEEE 754 binary16.
  KILN_DTYPE_BF16 = 4, ///< bfloat16: the upper half of an f32.
  KILN_DTYPE_I8 = 5,
  KILN_DTYPE_I16 = 6,
  KILN_DTYPE_I32 = 7,
  KILN_DTYPE_I64 = 8,
  KILN_DTYPE_U8 = 9,
  KILN_DTYPE_U16 = 10,
  KILN_DTYPE_U32 = 11,
  KILN_DTYPE_U64 = 12,
  KILN_DTYPE_BOOL = 13, ///< One byte per element, 0 or 1.
} kiln_dtype_t;

/// \returns the size in bytes of one element of \p dtype, or 0 if \p dtype
/// is not a kiln_dtype_t value.
KILN_API size_t kiln_dtype_size(kiln_dtype_t dtype);

/// \returns a static lowercase name such as "f32" or "bool" (the names used
/// in kiln IR and on the `kiln` command line), or "unknown" if \p dtype is
/// not a kiln_dtype_t value; never NULL.
KILN_API const char *kiln_dtype_name(kiln_dtype_t dtype);

/// A dense, row-major tensor that owns KILN_TENSOR_ALIGNMENT-aligned storage
/// for its elements. Opaque; use the accessors below.
typedef struct kiln_tensor_s kiln_tensor_t;

/// Creates a tensor of \p dtype with shape \p dims[0..rank) and
/// zero-initialised data.
///
/// \p rank may be 0 (a scalar with one element); dimensions may be 0 (an
/// empty tensor, whose data pointer is still valid and aligned). \p dims is
/// read during the call only and may be NULL when \p rank is 0. On success
/// the caller owns \p *out_tensor and must pass it to kiln_tensor_release();
/// on failure \p *out_tensor is NULL.
///
/// \returns KILN_STATUS_OK;
///   KILN_STATUS_INVALID_ARGUMENT if \p out_tensor is NULL, \p dtype is not a
///   kiln_dtype_t value, \p rank exceeds KILN_TENSOR_MAX_RANK, \p dims is
///   NULL while \p rank > 0, a dimension is negative, or the byte size does
///   not fit in size_t;
///   KILN_STATUS_OUT_OF_MEMORY if the data cannot be allocated.
KILN_API kiln_status_t kiln_tensor_create(kiln_dtype_t dtype, size_t rank,
                                          const int64_t *dims,
                                          kiln_tensor_t **out_tensor);

/// Destroys \p tensor and frees its data; every pointer obtained from its
/// accessors becomes invalid. \p tensor may be NULL (no-op).
KILN_API void kiln_tensor_release(kiln_tensor_t *tensor);

/// \returns the element type of \p tensor, or 0 (no valid dtype) if
/// \p tensor is NULL.
KILN_API kiln_dtype_t kiln_tensor_dtype(const kiln_tensor_t *tensor);

/// \returns the rank of \p tensor (0 for a scalar), or 0 if \p tensor is
/// NULL.
KILN_API size_t kiln_tensor_rank(const kiln_tensor_t *tensor);

/// \returns the kiln_tensor_rank() dimensions of \p tensor, borrowed from
/// and valid as long as \p tensor; never NULL for a non-NULL \p tensor, even
/// for a scalar. NULL if \p tensor is NULL.
KILN_API const int64_t *kiln_tensor_dims(const kiln_tensor_t *tensor);

/// \returns the writable, KILN_TENSOR_ALIGNMENT-aligned data of \p tensor,
/// borrowed from and valid as long as \p tensor; never NULL for a non-NULL
/// \p tensor, even when it has no elements. NULL if \p tensor is NULL.
KILN_API void *kiln_tensor_data(kiln_tensor_t *tensor);

/// Read-only kiln_tensor_data() for a const \p tensor.
KILN_API const void *kiln_tensor_const_data(const kiln_tensor_t *tensor);

/// \returns the size of the data of \p tensor in bytes (element count times
/// element size), or 0 if \p tensor is NULL.
KILN_API size_t kiln_tensor_byte_size(const kiln_tensor_t *tensor);

/// \returns the product of the dimensions of \p tensor (1 for a scalar), or
/// 0 if \p tensor is NULL.
KILN_API size_t kiln_tensor_element_count(const kiln_tensor_t *tensor);

KILN_EXTERN_C_END

#endif /* KILN_TENSOR_H */

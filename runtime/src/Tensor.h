//===- Tensor.h - Owning dense tensor of the runtime ------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// The C++ side of kiln_tensor_t: a move-only value that owns aligned storage.
// The C shim (CApi.cpp) wraps it in the opaque struct; readers and writers
// such as Npy.cpp work on it directly. Built without exceptions, so fallible
// operations return kiln_status_t.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_SRC_TENSOR_H
#define KILN_RUNTIME_SRC_TENSOR_H

#include "kiln/status.h"
#include "kiln/tensor.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace kiln::rt {

/// \returns the size in bytes of one \p dtype element, or 0 if \p dtype is
/// not a kiln_dtype_t value. Takes an int because a C caller can pass any
/// integer, and a C++ enum outside its range must not even be read.
size_t getDtypeSize(int dtype);

/// \returns the lowercase name of \p dtype ("f32"), or nullptr if \p dtype is
/// not a kiln_dtype_t value.
const char *getDtypeName(int dtype);

/// \returns the number of elements of shape \p dims[0..rank), or nullopt if a
/// dimension is negative or the product of the dimensions times
/// \p elementSize does not fit in size_t. \p dims may be null if \p rank is 0.
std::optional<size_t> computeElementCount(size_t rank, const int64_t *dims,
                                          size_t elementSize);

/// A dense, row-major tensor owning KILN_TENSOR_ALIGNMENT-aligned data.
class Tensor {
public:
  /// An empty, invalid tensor (dtype 0, no data); the state of a moved-from
  /// tensor.
  Tensor() = default;

  /// Allocates a tensor of \p dtype (which must be a kiln_dtype_t value)
  /// and shape \p dims[0..rank) into \p out.
  /// \p zeroData false leaves the data uninitialised, for readers that fill
  /// all of it. \returns KILN_STATUS_INVALID_ARGUMENT for a bad rank,
  /// dims pointer, negative dimension or overflowing size, and
  /// KILN_STATUS_OUT_OF_MEMORY if allocation fails; \p out is unchanged on
  /// failure.
  static kiln_status_t create(kiln_dtype_t dtype, size_t rank,
                              const int64_t *dims, bool zeroData, Tensor &out);

  kiln_dtype_t getDtype() const { return dtype; }
  size_t getRank() const { return rank; }
  const int64_t *getDims() const { return dims; }
  void *getData() { return data.get(); }
  const void *getData() const { return data.get(); }
  size_t getElementCount() const { return elementCount; }
  size_t getByteSize() const { return byteSize; }

private:
  struct AlignedDelete {
    void operator()(void *pointer) const;
  };

  kiln_dtype_t dtype = kiln_dtype_t();
  size_t rank = 0;
  int64_t dims[KILN_TENSOR_MAX_RANK] = {};
  size_t elementCount = 0;
  size_t byteSize = 0;
  std::unique_ptr<void, AlignedDelete> data;
};

} // namespace kiln::rt

#endif // KILN_RUNTIME_SRC_TENSOR_H

//===- Tensor.cpp - Owning dense tensor of the runtime ----------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// Element-type tables and tensor allocation. Allocation uses the nothrow
// aligned operator new, so an impossible size is a status, not an abort.
//
//===----------------------------------------------------------------------===//

#include "Tensor.h"

#include <cstring>
#include <limits>
#include <new>

namespace kiln::rt {

namespace {
struct DtypeInfo {
  kiln_dtype_t dtype;
  size_t size;
  const char *name;
};

constexpr DtypeInfo dtypeInfos[] = {
    {KILN_DTYPE_F32, 4, "f32"},   {KILN_DTYPE_F64, 8, "f64"},
    {KILN_DTYPE_F16, 2, "f16"},   {KILN_DTYPE_BF16, 2, "bf16"},
    {KILN_DTYPE_I8, 1, "i8"},     {KILN_DTYPE_I16, 2, "i16"},
    {KILN_DTYPE_I32, 4, "i32"},   {KILN_DTYPE_I64, 8, "i64"},
    {KILN_DTYPE_U8, 1, "u8"},     {KILN_DTYPE_U16, 2, "u16"},
    {KILN_DTYPE_U32, 4, "u32"},   {KILN_DTYPE_U64, 8, "u64"},
    {KILN_DTYPE_BOOL, 1, "bool"},
};

const DtypeInfo *findDtype(int dtype) {
  for (const DtypeInfo &info : dtypeInfos)
    if (static_cast<int>(info.dtype) == dtype)
      return &info;
  return nullptr;
}

constexpr std::align_val_t dataAlignment{KILN_TENSOR_ALIGNMENT};
} // namespace

size_t getDtypeSize(int dtype) {
  const DtypeInfo *info = findDtype(dtype);
  return info ? info->size : 0;
}

const char *getDtypeName(int dtype) {
  const DtypeInfo *info = findDtype(dtype);
  return info ? info->name : nullptr;
}

std::optional<size_t> computeElementCount(size_t rank, const int64_t *dims,
                                          size_t elementSize) {
  constexpr size_t maxSize = std::numeric_limits<size_t>::max();
  size_t count = 1;
  bool overflow = false;
  bool empty = false;
  // Scan every dimension: a negative one anywhere is an error, and a zero
  // anywhere makes the tensor empty even if the others overflow.
  for (size_t i = 0; i < rank; ++i) {
    if (dims[i] < 0)
      return std::nullopt;
    auto dim = static_cast<uint64_t>(dims[i]);
    if (dim == 0)
      empty = true;
    else if (overflow || dim > maxSize / count)
      overflow = true;
    else
      count *= static_cast<size_t>(dim);
  }
  if (empty)
    return 0;
  if (overflow || (elementSize != 0 && count > maxSize / elementSize))
    return std::nullopt;
  return count;
}

void Tensor::AlignedDelete::operator()(void *pointer) const {
  ::operator delete(pointer, dataAlignment);
}

kiln_status_t Tensor::create(kiln_dtype_t dtype, size_t rank,
                             const int64_t *dims, bool zeroData, Tensor &out) {
  size_t elementSize = getDtypeSize(dtype);
  if (elementSize == 0 || rank > KILN_TENSOR_MAX_RANK || (rank > 0 && !dims))
    return KILN_STATUS_INVALID_ARGUMENT;
  std::optional<size_t> count = computeElementCount(rank, dims, elementSize);
  if (!count)
    return KILN_STATUS_INVALID_ARGUMENT;

  Tensor tensor;
  tensor.dtype = dtype;
  tensor.rank = rank;
  for (size_t i = 0; i < rank; ++i)
    tensor.dims[i] = dims[i];
  tensor.elementCount = *count;
  tensor.byteSize = *count * elementSize;
  // operator new(0) still returns a unique aligned pointer, so the data of an
  // empty tensor is never null and callers need no special case.
  tensor.data.reset(
      ::operator new(tensor.byteSize, dataAlignment, std::nothrow));
  if (!tensor.data)
    return KILN_STATUS_OUT_OF_MEMORY;
  if (zeroData && tensor.byteSize != 0)
    std::memset(tensor.data.get(), 0, tensor.byteSize);
  out = std::move(tensor);
  return KILN_STATUS_OK;
}

} // namespace kiln::rt

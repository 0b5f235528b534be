//===- TensorTest.cpp - Tests for kiln/tensor.h ----------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//

#include "kiln/tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KILN_TEST_HAS_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define KILN_TEST_HAS_ASAN 1
#endif

#ifdef KILN_TEST_HAS_ASAN
// ASan aborts on impossible allocations by default; the runtime must see the
// null that a real allocator returns, so OutOfMemory tests work under ASan.
extern "C" const char *__asan_default_options() {
  return "allocator_may_return_null=1";
}
#endif

namespace {

struct TensorDeleter {
  void operator()(kiln_tensor_t *tensor) const { kiln_tensor_release(tensor); }
};
using TensorPtr = std::unique_ptr<kiln_tensor_t, TensorDeleter>;

/// A non-null pointer that no call may leave in an output parameter.
kiln_tensor_t *sentinel() { return reinterpret_cast<kiln_tensor_t *>(0x1); }

bool isAligned(const void *pointer) {
  return reinterpret_cast<uintptr_t>(pointer) % KILN_TENSOR_ALIGNMENT == 0;
}

struct DtypeCase {
  kiln_dtype_t dtype;
  size_t size;
  const char *name;
};

constexpr DtypeCase allDtypes[] = {
    {KILN_DTYPE_F32, 4, "f32"},   {KILN_DTYPE_F64, 8, "f64"},
    {KILN_DTYPE_F16, 2, "f16"},   {KILN_DTYPE_BF16, 2, "bf16"},
    {KILN_DTYPE_I8, 1, "i8"},     {KILN_DTYPE_I16, 2, "i16"},
    {KILN_DTYPE_I32, 4, "i32"},   {KILN_DTYPE_I64, 8, "i64"},
    {KILN_DTYPE_U8, 1, "u8"},     {KILN_DTYPE_U16, 2, "u16"},
    {KILN_DTYPE_U32, 4, "u32"},   {KILN_DTYPE_U64, 8, "u64"},
    {KILN_DTYPE_BOOL, 1, "bool"},
};

//===----------------------------------------------------------------------===//
// kiln_dtype_size / kiln_dtype_name
//===----------------------------------------------------------------------===//

TEST(DtypeSizeTest, GivesElementWidthOfEveryDtype) {
  for (const DtypeCase &c : allDtypes) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(kiln_dtype_size(c.dtype), c.size);
  }
}

// Only values C++ can hold in the enum (0..15); negative ones are tested from
// C, in CHeaderUse.c.
TEST(DtypeSizeTest, IsZeroForValuesOutsideTheEnum) {
  EXPECT_EQ(kiln_dtype_size(static_cast<kiln_dtype_t>(0)), 0u);
  EXPECT_EQ(kiln_dtype_size(static_cast<kiln_dtype_t>(14)), 0u);
  EXPECT_EQ(kiln_dtype_size(static_cast<kiln_dtype_t>(15)), 0u);
}

TEST(DtypeNameTest, GivesShortLowercaseNameOfEveryDtype) {
  for (const DtypeCase &c : allDtypes)
    EXPECT_STREQ(kiln_dtype_name(c.dtype), c.name);
}

TEST(DtypeNameTest, ReturnsUnknownNotNullForValuesOutsideTheEnum) {
  EXPECT_STREQ(kiln_dtype_name(static_cast<kiln_dtype_t>(0)), "unknown");
  EXPECT_STREQ(kiln_dtype_name(static_cast<kiln_dtype_t>(14)), "unknown");
}

//===----------------------------------------------------------------------===//
// kiln_tensor_create
//===----------------------------------------------------------------------===//

TEST(TensorCreateTest, CreatesZeroedAlignedTensorWithGivenShape) {
  const int64_t dims[] = {2, 3, 4};
  kiln_tensor_t *raw = sentinel();
  ASSERT_EQ(kiln_tensor_create(KILN_DTYPE_F32, 3, dims, &raw), KILN_STATUS_OK);
  TensorPtr tensor(raw);
  ASSERT_NE(tensor, nullptr);

  EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_F32);
  ASSERT_EQ(kiln_tensor_rank(tensor.get()), 3u);
  const int64_t *gotDims = kiln_tensor_dims(tensor.get());
  EXPECT_EQ(gotDims[0], 2);
  EXPECT_EQ(gotDims[1], 3);
  EXPECT_EQ(gotDims[2], 4);
  EXPECT_EQ(kiln_tensor_element_count(tensor.get()), 24u);
  EXPECT_EQ(kiln_tensor_byte_size(tensor.get()), 96u);

  const auto *bytes =
      static_cast<const unsigned char *>(kiln_tensor_const_data(tensor.get()));
  ASSERT_NE(bytes, nullptr);
  EXPECT_TRUE(isAligned(bytes));
  for (size_t i = 0; i < 96; ++i)
    ASSERT_EQ(bytes[i], 0) << "byte " << i;
}

TEST(TensorCreateTest, CreatesEveryDtypeWithMatchingByteSize) {
  const int64_t dims[] = {5, 3};
  for (const DtypeCase &c : allDtypes) {
    SCOPED_TRACE(c.name);
    kiln_tensor_t *raw = nullptr;
    ASSERT_EQ(kiln_tensor_create(c.dtype, 2, dims, &raw), KILN_STATUS_OK);
    TensorPtr tensor(raw);
    EXPECT_EQ(kiln_tensor_dtype(tensor.get()), c.dtype);
    EXPECT_EQ(kiln_tensor_byte_size(tensor.get()), 15 * c.size);
    EXPECT_TRUE(isAligned(kiln_tensor_data(tensor.get())));
  }
}

TEST(TensorCreateTest, CreatesScalarWithRankZeroOneElementAndNullDims) {
  kiln_tensor_t *raw = nullptr;
  ASSERT_EQ(kiln_tensor_create(KILN_DTYPE_I64, 0, /*dims=*/nullptr, &raw),
            KILN_STATUS_OK);
  TensorPtr tensor(raw);
  EXPECT_EQ(kiln_tensor_rank(tensor.get()), 0u);
  EXPECT_NE(kiln_tensor_dims(tensor.get()), nullptr);
  EXPECT_EQ(kiln_tensor_element_count(tensor.get()), 1u);
  EXPECT_EQ(kiln_tensor_byte_size(tensor.get()), 8u);
  int64_t value;
  std::memcpy(&value, kiln_tensor_data(tensor.get()), sizeof(value));
  EXPECT_EQ(value, 0);
}

TEST(TensorCreateTest, CreatesEmptyTensorWithValidAlignedData) {
  const int64_t dims[] = {3, 0, 2};
  kiln_tensor_t *raw = nullptr;
  ASSERT_EQ(kiln_tensor_create(KILN_DTYPE_U16, 3, dims, &raw), KILN_STATUS_OK);
  TensorPtr tensor(raw);
  EXPECT_EQ(kiln_tensor_element_count(tensor.get()), 0u);
  EXPECT_EQ(kiln_tensor_byte_size(tensor.get()), 0u);
  ASSERT_NE(kiln_tensor_data(tensor.get()), nullptr);
  EXPECT_TRUE(isAligned(kiln_tensor_data(tensor.get())));
}

TEST(TensorCreateTest, AcceptsMaximumRank) {
  int64_t dims[KILN_TENSOR_MAX_RANK];
  for (int64_t &dim : dims)
    dim = 2;
  kiln_tensor_t *raw = nullptr;
  ASSERT_EQ(kiln_tensor_create(KILN_DTYPE_I8, KILN_TENSOR_MAX_RANK, dims, &raw),
            KILN_STATUS_OK);
  TensorPtr tensor(raw);
  EXPECT_EQ(kiln_tensor_rank(tensor.get()), size_t{KILN_TENSOR_MAX_RANK});
  EXPECT_EQ(kiln_tensor_element_count(tensor.get()), 256u);
}

TEST(TensorCreateTest, CopiesDimsSoTheCallerMayReuseTheArray) {
  int64_t dims[] = {4, 5};
  kiln_tensor_t *raw = nullptr;
  ASSERT_EQ(kiln_tensor_create(KILN_DTYPE_F64, 2, dims, &raw), KILN_STATUS_OK);
  TensorPtr tensor(raw);
  dims[0] = 99;
  EXPECT_NE(kiln_tensor_dims(tensor.get()), dims);
  EXPECT_EQ(kiln_tensor_dims(tensor.get())[0], 4);
  EXPECT_EQ(kiln_tensor_element_count(tensor.get()), 20u);
}

TEST(TensorCreateTest, RejectsNullOutput) {
  const int64_t dims[] = {1};
  EXPECT_EQ(kiln_tensor_create(KILN_DTYPE_F32, 1, dims, /*out_tensor=*/nullptr),
            KILN_STATUS_INVALID_ARGUMENT);
}

TEST(TensorCreateTest, RejectsUnknownDtypeAndClearsOutput) {
  const int64_t dims[] = {1};
  for (int value : {0, 14, 15}) {
    kiln_tensor_t *tensor = sentinel();
    EXPECT_EQ(
        kiln_tensor_create(static_cast<kiln_dtype_t>(value), 1, dims, &tensor),
        KILN_STATUS_INVALID_ARGUMENT)
        << value;
    EXPECT_EQ(tensor, nullptr);
  }
}

TEST(TensorCreateTest, RejectsRankAboveMaximumAndClearsOutput) {
  int64_t dims[KILN_TENSOR_MAX_RANK + 1];
  for (int64_t &dim : dims)
    dim = 1;
  kiln_tensor_t *tensor = sentinel();
  EXPECT_EQ(kiln_tensor_create(KILN_DTYPE_F32, KILN_TENSOR_MAX_RANK + 1, dims,
                               &tensor),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(tensor, nullptr);
}

TEST(TensorCreateTest, RejectsNullDimsWithPositiveRankAndClearsOutput) {
  kiln_tensor_t *tensor = sentinel();
  EXPECT_EQ(kiln_tensor_create(KILN_DTYPE_F32, 2, /*dims=*/nullptr, &tensor),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(tensor, nullptr);
}

TEST(TensorCreateTest, RejectsNegativeDimensionEvenAfterAZero) {
  const int64_t negative[] = {2, -1};
  const int64_t zeroThenNegative[] = {0, -1};
  for (const int64_t *dims : {negative, zeroThenNegative}) {
    kiln_tensor_t *tensor = sentinel();
    EXPECT_EQ(kiln_tensor_create(KILN_DTYPE_F32, 2, dims, &tensor),
              KILN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(tensor, nullptr);
  }
}

TEST(TensorCreateTest, RejectsByteSizeThatOverflowsSizeT) {
  constexpr int64_t big = int64_t{1} << 32;
  // 2^64 elements, and 2^62 elements of 8 bytes: neither fits in size_t.
  const int64_t elementOverflow[] = {big, big};
  const int64_t byteOverflow[] = {int64_t{1} << 31, big};
  for (const int64_t *dims : {elementOverflow, byteOverflow}) {
    kiln_tensor_t *tensor = sentinel();
    EXPECT_EQ(kiln_tensor_create(KILN_DTYPE_F64, 2, dims, &tensor),
              KILN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(tensor, nullptr);
  }
}

TEST(TensorCreateTest, TreatsOverflowingShapeWithAZeroAsEmpty) {
  const int64_t dims[] = {std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int64_t>::max(), 0};
  kiln_tensor_t *raw = nullptr;
  ASSERT_EQ(kiln_tensor_create(KILN_DTYPE_F32, 3, dims, &raw), KILN_STATUS_OK);
  TensorPtr tensor(raw);
  EXPECT_EQ(kiln_tensor_element_count(tensor.get()), 0u);
}

TEST(TensorCreateTest, ReportsOutOfMemoryForUnallocatableSizeAndClearsOutput) {
  // 2^62 bytes: representable, but beyond any x86-64 address space.
  const int64_t dims[] = {int64_t{1} << 30, int64_t{1} << 30};
  kiln_tensor_t *tensor = sentinel();
  EXPECT_EQ(kiln_tensor_create(KILN_DTYPE_F32, 2, dims, &tensor),
            KILN_STATUS_OUT_OF_MEMORY);
  EXPECT_EQ(tensor, nullptr);
}

//===----------------------------------------------------------------------===//
// Accessors and kiln_tensor_release
//===----------------------------------------------------------------------===//

TEST(TensorAccessorTest, ReturnZeroOrNullForNullTensor) {
  EXPECT_EQ(kiln_tensor_dtype(nullptr), static_cast<kiln_dtype_t>(0));
  EXPECT_EQ(kiln_tensor_rank(nullptr), 0u);
  EXPECT_EQ(kiln_tensor_dims(nullptr), nullptr);
  EXPECT_EQ(kiln_tensor_data(nullptr), nullptr);
  EXPECT_EQ(kiln_tensor_const_data(nullptr), nullptr);
  EXPECT_EQ(kiln_tensor_byte_size(nullptr), 0u);
  EXPECT_EQ(kiln_tensor_element_count(nullptr), 0u);
}

TEST(TensorAccessorTest, DataIsWritableAndSharedWithConstData) {
  const int64_t dims[] = {3};
  kiln_tensor_t *raw = nullptr;
  ASSERT_EQ(kiln_tensor_create(KILN_DTYPE_I32, 1, dims, &raw), KILN_STATUS_OK);
  TensorPtr tensor(raw);
  auto *data = static_cast<int32_t *>(kiln_tensor_data(tensor.get()));
  data[0] = 7;
  data[2] = -9;
  const auto *constData =
      static_cast<const int32_t *>(kiln_tensor_const_data(tensor.get()));
  EXPECT_EQ(static_cast<const void *>(constData), data);
  EXPECT_EQ(constData[0], 7);
  EXPECT_EQ(constData[1], 0);
  EXPECT_EQ(constData[2], -9);
}

TEST(TensorReleaseTest, AcceptsNull) { kiln_tensor_release(nullptr); }

TEST(TensorReleaseTest, FreesTensorAndItsData) {
  // LeakSanitizer (sanitized builds) fails the run if this leaks.
  const int64_t dims[] = {1024};
  kiln_tensor_t *tensor = nullptr;
  ASSERT_EQ(kiln_tensor_create(KILN_DTYPE_U8, 1, dims, &tensor),
            KILN_STATUS_OK);
  kiln_tensor_release(tensor);
}

} // namespace

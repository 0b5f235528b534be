//===- NpyTest.cpp - Tests for kiln/npy.h ----------------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// Golden files in testdata/ were written by NumPy (testdata/generate.py);
// malformed and unsupported files are built byte by byte here.
//
//===----------------------------------------------------------------------===//

#include "kiln/npy.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct TensorDeleter {
  void operator()(kiln_tensor_t *tensor) const { kiln_tensor_release(tensor); }
};
using TensorPtr = std::unique_ptr<kiln_tensor_t, TensorDeleter>;

/// A non-null pointer that no failing call may leave in an output parameter.
kiln_tensor_t *sentinel() { return reinterpret_cast<kiln_tensor_t *>(0x1); }

std::string testdata(const char *name) {
  return std::string(KILN_RUNTIME_TESTDATA_DIR) + "/" + name;
}

std::string readBytes(const std::string &path) {
  std::ifstream stream(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(stream), {});
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// A .npy file with header \p dict and raw \p data. Readers do not require
/// NumPy's 64-byte padding, so only the newline is added.
std::string npyBytes(const std::string &dict, const std::string &data,
                     int major = 1, int minor = 0) {
  std::string header = dict + "\n";
  std::string bytes("\x93NUMPY", 6);
  bytes += static_cast<char>(major);
  bytes += static_cast<char>(minor);
  size_t lengthSize = major == 1 ? 2 : 4;
  for (size_t i = 0; i < lengthSize; ++i)
    bytes += static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  return bytes + header + data;
}

std::string dictFor(const std::string &descr, const std::string &shape,
                    const char *fortranOrder = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortranOrder +
         ", 'shape': " + shape + ", }";
}

bool startsWith(const std::string &text, const std::string &prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::vector<int64_t> dimsOf(const kiln_tensor_t *tensor) {
  const int64_t *dims = kiln_tensor_dims(tensor);
  return std::vector<int64_t>(dims, dims + kiln_tensor_rank(tensor));
}

std::string dataOf(const kiln_tensor_t *tensor) {
  return std::string(static_cast<const char *>(kiln_tensor_const_data(tensor)),
                     kiln_tensor_byte_size(tensor));
}

/// Gives each test a fresh directory and removes it afterwards.
class NpyFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "kiln-npy-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir = pattern;
  }

  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  std::string path(const char *name) const { return (dir / name).string(); }

  /// The names in the test directory, sorted.
  std::vector<std::string> listDir() const {
    std::vector<std::string> names;
    for (const fs::directory_entry &entry : fs::directory_iterator(dir))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  /// Reads \p file expecting failure with \p status; \returns the message
  /// after checking that the output was cleared and the message starts with
  /// the path.
  std::string expectReadFails(const std::string &file, kiln_status_t status) {
    kiln_tensor_t *tensor = sentinel();
    char error[512] = "stale";
    EXPECT_EQ(kiln_npy_read(file.c_str(), &tensor, error, sizeof(error)),
              status)
        << error;
    EXPECT_EQ(tensor, nullptr);
    EXPECT_TRUE(startsWith(error, file + ": ")) << error;
    return error;
  }

  /// Reads \p file, which must succeed.
  TensorPtr readOk(const std::string &file) {
    kiln_tensor_t *tensor = nullptr;
    char error[512] = "stale";
    EXPECT_EQ(kiln_npy_read(file.c_str(), &tensor, error, sizeof(error)),
              KILN_STATUS_OK)
        << error;
    EXPECT_STREQ(error, "");
    return TensorPtr(tensor);
  }

  void writeOk(const std::string &file, const kiln_tensor_t *tensor) {
    char error[512] = "stale";
    EXPECT_EQ(kiln_npy_write(file.c_str(), tensor, error, sizeof(error)),
              KILN_STATUS_OK)
        << error;
    EXPECT_STREQ(error, "");
  }

  fs::path dir;
};

using NpyReadTest = NpyFileTest;
using NpyWriteTest = NpyFileTest;

TensorPtr makeTensor(kiln_dtype_t dtype, std::vector<int64_t> dims) {
  kiln_tensor_t *tensor = nullptr;
  EXPECT_EQ(kiln_tensor_create(dtype, dims.size(), dims.data(), &tensor),
            KILN_STATUS_OK);
  return TensorPtr(tensor);
}

/// Fills \p tensor with a byte pattern that differs at every offset mod 251,
/// so a misplaced or dropped byte shows.
void fillPattern(kiln_tensor_t *tensor, unsigned seed) {
  auto *bytes = static_cast<unsigned char *>(kiln_tensor_data(tensor));
  for (size_t i = 0; i < kiln_tensor_byte_size(tensor); ++i)
    bytes[i] = static_cast<unsigned char>((i * 7 + seed) % 251);
  // Bools must stay 0 or 1 for any consumer that checks.
  if (kiln_tensor_dtype(tensor) == KILN_DTYPE_BOOL)
    for (size_t i = 0; i < kiln_tensor_byte_size(tensor); ++i)
      bytes[i] &= 1;
}

//===----------------------------------------------------------------------===//
// kiln_npy_read: files written by NumPy
//===----------------------------------------------------------------------===//

TEST_F(NpyReadTest, ReadsNumpyF32Matrix) {
  TensorPtr tensor = readOk(testdata("f32_2x3.npy"));
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_F32);
  EXPECT_EQ(dimsOf(tensor.get()), (std::vector<int64_t>{2, 3}));
  const auto *data =
      static_cast<const float *>(kiln_tensor_const_data(tensor.get()));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % KILN_TENSOR_ALIGNMENT, 0u);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(data[i], i * 0.5f - 1.0f) << i;
}

TEST_F(NpyReadTest, ReadsNumpyI64ScalarAsRankZero) {
  TensorPtr tensor = readOk(testdata("i64_scalar.npy"));
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_I64);
  EXPECT_EQ(kiln_tensor_rank(tensor.get()), 0u);
  EXPECT_EQ(kiln_tensor_element_count(tensor.get()), 1u);
  int64_t value;
  std::memcpy(&value, kiln_tensor_const_data(tensor.get()), sizeof(value));
  EXPECT_EQ(value, -42);
}

TEST_F(NpyReadTest, ReadsNumpyBoolVector) {
  TensorPtr tensor = readOk(testdata("bool_4.npy"));
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_BOOL);
  EXPECT_EQ(dimsOf(tensor.get()), (std::vector<int64_t>{4}));
  EXPECT_EQ(dataOf(tensor.get()), std::string("\x01\x00\x00\x01", 4));
}

TEST_F(NpyReadTest, ReadsNumpyF16MatrixBitExactly) {
  TensorPtr tensor = readOk(testdata("f16_2x2.npy"));
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_F16);
  const auto *bits =
      static_cast<const uint16_t *>(kiln_tensor_const_data(tensor.get()));
  // 1.0, -2.0, 0.5, 65504 (the largest finite half).
  EXPECT_EQ(bits[0], 0x3C00);
  EXPECT_EQ(bits[1], 0xC000);
  EXPECT_EQ(bits[2], 0x3800);
  EXPECT_EQ(bits[3], 0x7BFF);
}

TEST_F(NpyReadTest, ReadsNumpyEmptyTensor) {
  TensorPtr tensor = readOk(testdata("u8_empty_0x3.npy"));
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_U8);
  EXPECT_EQ(dimsOf(tensor.get()), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(kiln_tensor_byte_size(tensor.get()), 0u);
  EXPECT_NE(kiln_tensor_const_data(tensor.get()), nullptr);
}

TEST_F(NpyReadTest, ReadsNumpyVersion2Header) {
  TensorPtr tensor = readOk(testdata("i32_v2.npy"));
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_I32);
  EXPECT_EQ(dimsOf(tensor.get()), (std::vector<int64_t>{5}));
  const auto *data =
      static_cast<const int32_t *>(kiln_tensor_const_data(tensor.get()));
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(data[i], i - 2);
}

TEST_F(NpyReadTest, ReadsNumpyVersion3Header) {
  TensorPtr tensor = readOk(testdata("u16_v3.npy"));
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_U16);
  const auto *data =
      static_cast<const uint16_t *>(kiln_tensor_const_data(tensor.get()));
  EXPECT_EQ(data[0], 0);
  EXPECT_EQ(data[1], 1000);
  EXPECT_EQ(data[2], 2000);
}

//===----------------------------------------------------------------------===//
// kiln_npy_read: header dialects
//===----------------------------------------------------------------------===//

TEST_F(NpyReadTest, ReadsTwoByteVoidAsBf16) {
  // What numpy.save() writes for an ml_dtypes.bfloat16 array.
  for (const char *descr : {"<V2", "|V2"}) {
    SCOPED_TRACE(descr);
    writeBytes(path("bf16.npy"), npyBytes(dictFor(descr, "(2,)"),
                                          std::string("\x80\x3f\x00\x40", 4)));
    TensorPtr tensor = readOk(path("bf16.npy"));
    ASSERT_NE(tensor, nullptr);
    EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_BF16);
    EXPECT_EQ(dataOf(tensor.get()), std::string("\x80\x3f\x00\x40", 4));
  }
}

TEST_F(NpyReadTest, AcceptsLittleEndianMarkerOnOneByteTypes) {
  writeBytes(path("i8.npy"), npyBytes(dictFor("<i1", "(1,)"), "\xff"));
  TensorPtr tensor = readOk(path("i8.npy"));
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_I8);
}

TEST_F(NpyReadTest, AcceptsAnyKeyOrderDoubleQuotesAndPython2Longs) {
  writeBytes(path("odd.npy"),
             npyBytes("{\"shape\": (1L, 2L,), \"fortran_order\": False, "
                      "\"descr\": \"<u4\"}",
                      std::string(8, '\x01')));
  TensorPtr tensor = readOk(path("odd.npy"));
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(tensor.get()), KILN_DTYPE_U32);
  EXPECT_EQ(dimsOf(tensor.get()), (std::vector<int64_t>{1, 2}));
}

TEST_F(NpyReadTest, AcceptsHeaderWithoutNumpyPadding) {
  writeBytes(path("tight.npy"), npyBytes(dictFor("<i2", "(2, 1)"),
                                         std::string("\x01\x00\x02\x00", 4)));
  TensorPtr tensor = readOk(path("tight.npy"));
  ASSERT_NE(tensor, nullptr);
  const auto *data =
      static_cast<const int16_t *>(kiln_tensor_const_data(tensor.get()));
  EXPECT_EQ(data[0], 1);
  EXPECT_EQ(data[1], 2);
  // The tensor owns aligned storage even though the file's data is not.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % KILN_TENSOR_ALIGNMENT, 0u);
}

//===----------------------------------------------------------------------===//
// kiln_npy_read: unsupported files (INCOMPATIBLE)
//===----------------------------------------------------------------------===//

TEST_F(NpyReadTest, RejectsNumpyFortranOrderAndClearsOutput) {
  std::string message = expectReadFails(testdata("f64_2x3_fortran.npy"),
                                        KILN_STATUS_INCOMPATIBLE);
  EXPECT_NE(message.find("fortran_order=True is not supported"),
            std::string::npos)
      << message;
}

TEST_F(NpyReadTest, RejectsNumpyBigEndianNamingTheDtype) {
  std::string file = testdata("f32_big_endian.npy");
  std::string message = expectReadFails(file, KILN_STATUS_INCOMPATIBLE);
  EXPECT_EQ(message, file + ": unsupported dtype '>f4' (only little-endian "
                            "numeric types)");
}

TEST_F(NpyReadTest, RejectsNonNumericAndUnknownDtypes) {
  for (const char *descr : {"|O", "<U3", "|S4", "<c8", "<f16", "=f4", ">i8",
                            "<V4", "|V1", "f4", "<b2", ""}) {
    SCOPED_TRACE(descr);
    writeBytes(path("bad.npy"), npyBytes(dictFor(descr, "(1,)"), "12345678"));
    std::string message =
        expectReadFails(path("bad.npy"), KILN_STATUS_INCOMPATIBLE);
    EXPECT_NE(message.find(std::string("unsupported dtype '") + descr + "'"),
              std::string::npos)
        << message;
  }
}

TEST_F(NpyReadTest, RejectsStructuredDtypeQuotingItsDescr) {
  writeBytes(path("struct.npy"),
             npyBytes("{'descr': [('a', '<f4'), ('b', [('c', '<i2')])], "
                      "'fortran_order': False, 'shape': (1,), }",
                      "123456"));
  std::string message =
      expectReadFails(path("struct.npy"), KILN_STATUS_INCOMPATIBLE);
  EXPECT_NE(message.find("unsupported dtype [('a', '<f4'), ('b', [('c', "
                         "'<i2')])]"),
            std::string::npos)
      << message;
}

TEST_F(NpyReadTest, RejectsRankAboveMaximum) {
  writeBytes(path("rank9.npy"),
             npyBytes(dictFor("|u1", "(1, 1, 1, 1, 1, 1, 1, 1, 1)"), "x"));
  std::string message =
      expectReadFails(path("rank9.npy"), KILN_STATUS_INCOMPATIBLE);
  EXPECT_NE(message.find("rank 9 exceeds the maximum of 8"), std::string::npos)
      << message;
}

TEST_F(NpyReadTest, RejectsUnknownFormatVersions) {
  for (auto [major, minor] :
       std::initializer_list<std::pair<int, int>>{{4, 0}, {1, 1}, {0, 0}}) {
    SCOPED_TRACE(std::to_string(major) + "." + std::to_string(minor));
    writeBytes(path("version.npy"),
               npyBytes(dictFor("|u1", "(1,)"), "x", major, minor));
    std::string message =
        expectReadFails(path("version.npy"), KILN_STATUS_INCOMPATIBLE);
    EXPECT_NE(message.find("unsupported .npy format version " +
                           std::to_string(major) + "." + std::to_string(minor)),
              std::string::npos)
        << message;
  }
}

//===----------------------------------------------------------------------===//
// kiln_npy_read: corrupt files (DATA_LOSS) and non-.npy files
//===----------------------------------------------------------------------===//

TEST_F(NpyReadTest, ReportsTruncatedDataWithExpectedAndFoundSizes) {
  std::string golden = readBytes(testdata("f32_2x3.npy"));
  writeBytes(path("short.npy"), golden.substr(0, golden.size() - 4));
  std::string message =
      expectReadFails(path("short.npy"), KILN_STATUS_DATA_LOSS);
  EXPECT_EQ(message, path("short.npy") +
                         ": truncated data: expected 24 bytes for shape (2, 3) "
                         "of '<f4', found 20");
}

TEST_F(NpyReadTest, ReportsTrailingBytesAsDataLoss) {
  writeBytes(path("long.npy"), readBytes(testdata("bool_4.npy")) + "xy");
  std::string message =
      expectReadFails(path("long.npy"), KILN_STATUS_DATA_LOSS);
  EXPECT_EQ(message, path("long.npy") +
                         ": trailing bytes after the data: expected 4 bytes "
                         "for shape (4,) of '|b1', found 6");
}

TEST_F(NpyReadTest, ReportsTruncatedHeaderAsDataLoss) {
  std::string golden = readBytes(testdata("f32_2x3.npy"));
  // Cut after the version bytes, inside the length field, inside the header.
  for (size_t size : {8, 9, 40}) {
    SCOPED_TRACE(size);
    writeBytes(path("cut.npy"), golden.substr(0, size));
    std::string message =
        expectReadFails(path("cut.npy"), KILN_STATUS_DATA_LOSS);
    EXPECT_NE(message.find("truncated header"), std::string::npos) << message;
  }
}

TEST_F(NpyReadTest, ReportsMalformedHeadersAsDataLoss) {
  const char *headers[] = {
      "",
      "not a dict",
      "{'descr': '<f4', 'fortran_order': False}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
      "{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}",
      ("{'descr': '<f4', 'fortran_order': False, "
       "'shape': (99999999999999999999,)}"),
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} trailing",
      "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<\\x66', 'fortran_order': False, 'shape': (1,)}",
      "{'descr': [('a', '<f4'), 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",
  };
  for (const char *header : headers) {
    SCOPED_TRACE(header);
    writeBytes(path("malformed.npy"), npyBytes(header, "1234"));
    std::string message =
        expectReadFails(path("malformed.npy"), KILN_STATUS_DATA_LOSS);
    EXPECT_NE(message.find("malformed .npy header"), std::string::npos)
        << message;
  }
}

TEST_F(NpyReadTest, QuotesMalformedHeaderWithUnprintableBytesReplaced) {
  writeBytes(path("junk.npy"), npyBytes(std::string("{\x01\x00\xff", 4), ""));
  std::string message =
      expectReadFails(path("junk.npy"), KILN_STATUS_DATA_LOSS);
  EXPECT_EQ(message, path("junk.npy") +
                         ": malformed .npy header (expected a string key or "
                         "'}' at offset 1): {???");
}

TEST_F(NpyReadTest, ReportsUnaddressableShapeAsDataLossWithoutAllocating) {
  writeBytes(path("huge.npy"),
             npyBytes(dictFor("<f8", "(4294967296, 4294967296)"), "12345678"));
  std::string message =
      expectReadFails(path("huge.npy"), KILN_STATUS_DATA_LOSS);
  EXPECT_NE(message.find("too large"), std::string::npos) << message;

  // Addressable but far larger than the file: reported before allocating.
  writeBytes(path("big.npy"),
             npyBytes(dictFor("<f8", "(1073741824, 1073741824)"), "12345678"));
  message = expectReadFails(path("big.npy"), KILN_STATUS_DATA_LOSS);
  EXPECT_NE(message.find("truncated data: expected 9223372036854775808 bytes"),
            std::string::npos)
      << message;
}

TEST_F(NpyReadTest, RejectsFileWithoutMagicAsNotNpy) {
  for (const char *content :
       {"", "\x93NUM", "PK\x03\x04 a zip file", "\x93NUMPx\x01\x00"}) {
    SCOPED_TRACE(content);
    writeBytes(path("other.bin"), content);
    std::string message =
        expectReadFails(path("other.bin"), KILN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(message.find("not a .npy file"), std::string::npos) << message;
  }
}

//===----------------------------------------------------------------------===//
// kiln_npy_read: I/O errors and arguments
//===----------------------------------------------------------------------===//

TEST_F(NpyReadTest, ReportsMissingFileAsIoErrorWithSystemReason) {
  std::string message =
      expectReadFails(path("missing.npy"), KILN_STATUS_IO_ERROR);
  EXPECT_EQ(message,
            path("missing.npy") + ": cannot open: " + std::strerror(ENOENT));
}

TEST_F(NpyReadTest, ReportsDirectoryAsIoError) {
  std::string message = expectReadFails(dir.string(), KILN_STATUS_IO_ERROR);
  EXPECT_NE(message.find(std::strerror(EISDIR)), std::string::npos) << message;
}

TEST_F(NpyReadTest, RejectsNullPathAndClearsOutput) {
  kiln_tensor_t *tensor = sentinel();
  char error[128] = "stale";
  EXPECT_EQ(kiln_npy_read(nullptr, &tensor, error, sizeof(error)),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(tensor, nullptr);
  EXPECT_STREQ(error, "kiln_npy_read: path is NULL");
}

TEST_F(NpyReadTest, RejectsNullOutput) {
  std::string file = testdata("f32_2x3.npy");
  char error[512];
  EXPECT_EQ(kiln_npy_read(file.c_str(), nullptr, error, sizeof(error)),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(std::string(error), file + ": out_tensor is NULL");
}

TEST_F(NpyReadTest, TruncatesMessageToTheErrorBuffer) {
  kiln_tensor_t *tensor = nullptr;
  char error[8];
  std::memset(error, 'z', sizeof(error));
  EXPECT_EQ(kiln_npy_read("/nonexistent/x.npy", &tensor, error, sizeof(error)),
            KILN_STATUS_IO_ERROR);
  EXPECT_STREQ(error, "/nonexi");
}

TEST_F(NpyReadTest, WorksWithoutAnErrorBuffer) {
  kiln_tensor_t *tensor = sentinel();
  EXPECT_EQ(kiln_npy_read("/nonexistent/x.npy", &tensor, nullptr, 100),
            KILN_STATUS_IO_ERROR);
  EXPECT_EQ(tensor, nullptr);

  char untouched = 'u';
  EXPECT_EQ(kiln_npy_read("/nonexistent/x.npy", &tensor, &untouched, 0),
            KILN_STATUS_IO_ERROR);
  EXPECT_EQ(untouched, 'u');

  std::string file = testdata("bool_4.npy");
  ASSERT_EQ(kiln_npy_read(file.c_str(), &tensor, nullptr, 0), KILN_STATUS_OK);
  kiln_tensor_release(tensor);
}

//===----------------------------------------------------------------------===//
// kiln_npy_write
//===----------------------------------------------------------------------===//

TEST_F(NpyWriteTest, RoundTripsEveryDtype) {
  const kiln_dtype_t dtypes[] = {
      KILN_DTYPE_F32, KILN_DTYPE_F64, KILN_DTYPE_F16, KILN_DTYPE_BF16,
      KILN_DTYPE_I8,  KILN_DTYPE_I16, KILN_DTYPE_I32, KILN_DTYPE_I64,
      KILN_DTYPE_U8,  KILN_DTYPE_U16, KILN_DTYPE_U32, KILN_DTYPE_U64,
      KILN_DTYPE_BOOL};
  for (kiln_dtype_t dtype : dtypes) {
    SCOPED_TRACE(kiln_dtype_name(dtype));
    TensorPtr original = makeTensor(dtype, {3, 5});
    fillPattern(original.get(), static_cast<unsigned>(dtype));
    writeOk(path("t.npy"), original.get());
    TensorPtr copy = readOk(path("t.npy"));
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(kiln_tensor_dtype(copy.get()), dtype);
    EXPECT_EQ(dimsOf(copy.get()), (std::vector<int64_t>{3, 5}));
    EXPECT_EQ(dataOf(copy.get()), dataOf(original.get()));
  }
}

TEST_F(NpyWriteTest, RoundTripsRanksZeroToMaximum) {
  std::vector<int64_t> dims;
  for (size_t rank = 0; rank <= KILN_TENSOR_MAX_RANK; ++rank) {
    SCOPED_TRACE(rank);
    TensorPtr original = makeTensor(KILN_DTYPE_I16, dims);
    fillPattern(original.get(), static_cast<unsigned>(rank));
    writeOk(path("t.npy"), original.get());
    TensorPtr copy = readOk(path("t.npy"));
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(dimsOf(copy.get()), dims);
    EXPECT_EQ(dataOf(copy.get()), dataOf(original.get()));
    dims.push_back(static_cast<int64_t>(rank % 3 + 1));
  }
}

TEST_F(NpyWriteTest, RoundTripsEmptyAndLargeTensors) {
  for (std::vector<int64_t> dims :
       {std::vector<int64_t>{0}, {4, 0, 2}, {3, 1000, 257}}) {
    SCOPED_TRACE(dims.size());
    TensorPtr original = makeTensor(KILN_DTYPE_F32, dims);
    fillPattern(original.get(), 3);
    writeOk(path("t.npy"), original.get());
    TensorPtr copy = readOk(path("t.npy"));
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(dimsOf(copy.get()), dims);
    EXPECT_EQ(dataOf(copy.get()), dataOf(original.get()));
  }
}

TEST_F(NpyWriteTest, WritesBytesIdenticalToNumpySave) {
  for (const char *name : {"f32_2x3.npy", "i64_scalar.npy", "bool_4.npy",
                           "f16_2x2.npy", "u8_empty_0x3.npy"}) {
    SCOPED_TRACE(name);
    TensorPtr tensor = readOk(testdata(name));
    ASSERT_NE(tensor, nullptr);
    writeOk(path(name), tensor.get());
    EXPECT_EQ(readBytes(path(name)), readBytes(testdata(name)));
  }
}

TEST_F(NpyWriteTest, AlignsDataToSixtyFourBytesForEveryShape) {
  // Header lengths vary with the digits of the shape; every one must pad to
  // a 64-byte boundary and end with a newline, as NumPy requires.
  for (int64_t first :
       {int64_t{1}, int64_t{12}, int64_t{123456}, int64_t{1234567890123}}) {
    for (size_t rank = 1; rank <= KILN_TENSOR_MAX_RANK; ++rank) {
      // A trailing zero keeps the file small; rank 1 cannot have one.
      if (rank == 1 && first > 1000000)
        continue;
      std::vector<int64_t> dims(rank, 1);
      dims[0] = first;
      if (rank > 1)
        dims[rank - 1] = 0;
      TensorPtr tensor = makeTensor(KILN_DTYPE_U8, dims);
      writeOk(path("t.npy"), tensor.get());
      std::string bytes = readBytes(path("t.npy"));
      ASSERT_GE(bytes.size(), 10u);
      size_t headerSize =
          static_cast<unsigned char>(bytes[8]) |
          static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8;
      EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
      EXPECT_EQ((10 + headerSize) % 64, 0u) << first << " rank " << rank;
      EXPECT_EQ(bytes.size(),
                10 + headerSize + kiln_tensor_byte_size(tensor.get()));
      EXPECT_EQ(bytes[9 + headerSize], '\n');
    }
  }
}

TEST_F(NpyWriteTest, WritesBf16AsTwoByteVoid) {
  TensorPtr tensor = makeTensor(KILN_DTYPE_BF16, {2});
  writeOk(path("bf16.npy"), tensor.get());
  EXPECT_NE(readBytes(path("bf16.npy")).find("'descr': '<V2'"),
            std::string::npos);
}

TEST_F(NpyWriteTest, ReplacesExistingFileAndLeavesNoTemporary) {
  writeBytes(path("out.npy"), "old contents");
  TensorPtr tensor = makeTensor(KILN_DTYPE_I32, {2});
  writeOk(path("out.npy"), tensor.get());
  TensorPtr copy = readOk(path("out.npy"));
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(copy.get()), KILN_DTYPE_I32);
  EXPECT_EQ(listDir(), std::vector<std::string>{"out.npy"});
}

TEST_F(NpyWriteTest, LeavesNothingBehindWhenDirectoryDoesNotExist) {
  TensorPtr tensor = makeTensor(KILN_DTYPE_F32, {2});
  std::string file = path("missing-dir/out.npy");
  char error[512] = "stale";
  EXPECT_EQ(kiln_npy_write(file.c_str(), tensor.get(), error, sizeof(error)),
            KILN_STATUS_IO_ERROR);
  EXPECT_TRUE(startsWith(error, file + ": cannot create temporary file '" +
                                    file + ".tmp."))
      << error;
  EXPECT_NE(std::string(error).find(std::strerror(ENOENT)), std::string::npos)
      << error;
  EXPECT_TRUE(listDir().empty());
}

TEST_F(NpyWriteTest, RemovesTemporaryFileWhenRenameFails) {
  // A non-empty directory at the target path makes rename() fail after the
  // temporary file has been written.
  fs::create_directory(path("out.npy"));
  writeBytes(path("out.npy/keep"), "kept");
  TensorPtr tensor = makeTensor(KILN_DTYPE_F32, {2});
  char error[512] = "stale";
  EXPECT_EQ(kiln_npy_write(path("out.npy").c_str(), tensor.get(), error,
                           sizeof(error)),
            KILN_STATUS_IO_ERROR);
  EXPECT_TRUE(startsWith(error, path("out.npy") + ": cannot rename '"))
      << error;
  EXPECT_EQ(listDir(), std::vector<std::string>{"out.npy"});
  EXPECT_EQ(readBytes(path("out.npy/keep")), "kept");
}

TEST_F(NpyWriteTest, KeepsPreviousFileAndRemovesTemporaryWhenWriteFails) {
  writeBytes(path("out.npy"), "previous");
  TensorPtr tensor = makeTensor(KILN_DTYPE_U8, {1 << 20});
  std::string file = path("out.npy");

  // A file-size limit makes write() fail with EFBIG part-way through. It
  // applies to the whole process, so the write happens in a child.
  pid_t child = ::fork();
  ASSERT_NE(child, -1) << std::strerror(errno);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{4096, 4096};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
      ::_exit(100);
    char error[512];
    kiln_status_t status =
        kiln_npy_write(file.c_str(), tensor.get(), error, sizeof(error));
    bool messageOk =
        startsWith(error, file + ": cannot write '") &&
        std::string(error).find(std::strerror(EFBIG)) != std::string::npos;
    ::_exit(status == KILN_STATUS_IO_ERROR && messageOk ? 0 : 101);
  }
  int waitStatus = 0;
  ASSERT_EQ(::waitpid(child, &waitStatus, 0), child);
  ASSERT_TRUE(WIFEXITED(waitStatus));
  EXPECT_EQ(WEXITSTATUS(waitStatus), 0);
  EXPECT_EQ(readBytes(file), "previous");
  EXPECT_EQ(listDir(), std::vector<std::string>{"out.npy"});
}

TEST_F(NpyWriteTest, RejectsNullArguments) {
  TensorPtr tensor = makeTensor(KILN_DTYPE_F32, {1});
  char error[256] = "stale";
  EXPECT_EQ(kiln_npy_write(nullptr, tensor.get(), error, sizeof(error)),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(error, "kiln_npy_write: path is NULL");

  std::string file = path("out.npy");
  EXPECT_EQ(kiln_npy_write(file.c_str(), nullptr, error, sizeof(error)),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(std::string(error), file + ": tensor is NULL");
  EXPECT_TRUE(listDir().empty());
}

TEST_F(NpyWriteTest, WorksWithoutAnErrorBuffer) {
  TensorPtr tensor = makeTensor(KILN_DTYPE_F32, {1});
  EXPECT_EQ(kiln_npy_write(path("out.npy").c_str(), tensor.get(), nullptr, 0),
            KILN_STATUS_OK);
  EXPECT_EQ(
      kiln_npy_write(path("no/out.npy").c_str(), tensor.get(), nullptr, 0),
      KILN_STATUS_IO_ERROR);
}

} // namespace

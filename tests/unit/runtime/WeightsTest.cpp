//===- WeightsTest.cpp - Tests for kiln_weights_map and friends -*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// A hand-written stand-in for a model compiled with external weights: two
// weights whose slots are variables here, read by run_packed exactly as
// generated code reads them. Each test writes its weights file into a fresh
// temporary directory, byte by byte as the format in kiln/model.h says, with
// the checksum computed here, independently of the runtime.
//
//===----------------------------------------------------------------------===//

#include "kiln/model.h"
#include "kiln/npy.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct TensorDeleter {
  void operator()(kiln_tensor_t *tensor) const { kiln_tensor_release(tensor); }
};
using TensorPtr = std::unique_ptr<kiln_tensor_t, TensorDeleter>;

struct WeightsDeleter {
  void operator()(kiln_weights_t *weights) const {
    kiln_weights_release(weights);
  }
};
using WeightsPtr = std::unique_ptr<kiln_weights_t, WeightsDeleter>;

/// A non-null pointer that no failing call may leave in an output parameter.
kiln_weights_t *sentinel() { return reinterpret_cast<kiln_weights_t *>(0x1); }

/// FNV-1a 64, written out here from its definition so that the test does not
/// trust the runtime's.
uint64_t fnv1a64(const std::string &bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string hex(uint64_t value) {
  char text[19];
  std::snprintf(text, sizeof(text), "0x%016" PRIx64, value);
  return text;
}

//===----------------------------------------------------------------------===//
// A stand-in for a model compiled with --weights=external
//===----------------------------------------------------------------------===//

/// scaled: y = x * scale + bias over f32 [4], with scale and bias in the
/// weights file: scale at offset 0, bias at offset 64 after 48 bytes of
/// padding, 80 data bytes in all.
constexpr int64_t dims4[] = {4};
constexpr float scaleValues[] = {2.0f, -1.0f, 0.5f, 10.0f};
constexpr float biasValues[] = {1.0f, 1.0f, -3.0f, 0.25f};
constexpr uint64_t biasOffset = 64;
constexpr uint64_t dataBytes = biasOffset + sizeof(biasValues);

/// The slots: what `kiln compile` emits as one pointer global per weight.
void *scaleSlot = nullptr;
void *biasSlot = nullptr;
int scaledRuns = 0;

void scaledRunPacked(void **buffers) {
  ++scaledRuns;
  const auto *scale = static_cast<const float *>(scaleSlot);
  const auto *bias = static_cast<const float *>(biasSlot);
  const auto *x = static_cast<const float *>(buffers[0]);
  auto *y = static_cast<float *>(buffers[1]);
  for (int i = 0; i < 4; ++i)
    y[i] = x[i] * scale[i] + bias[i];
}

/// The data region of scaled's weights file.
std::string scaledData() {
  std::string data(dataBytes, '\0');
  std::memcpy(data.data(), scaleValues, sizeof(scaleValues));
  std::memcpy(data.data() + biasOffset, biasValues, sizeof(biasValues));
  return data;
}

const kiln_io_info_t scaledInputs[] = {{"x", KILN_DTYPE_F32, 1, dims4}};
const kiln_io_info_t scaledOutputs[] = {{"y", KILN_DTYPE_F32, 1, dims4}};
const kiln_weight_info_t scaledWeights[] = {
    {"scale", &scaleSlot, 0, sizeof(scaleValues)},
    {"bias", &biasSlot, biasOffset, sizeof(biasValues)}};
const kiln_model_info_t scaledModel = {
    KILN_MODEL_ABI_VERSION,
    "scaled",
    "scaled.onnx",
    1,
    1,
    scaledInputs,
    scaledOutputs,
    scaledRunPacked,
    /*num_weights=*/2,
    scaledWeights,
    /*weights_checksum=*/fnv1a64(scaledData()),
    /*weights_bytes=*/dataBytes,
    /*scratch_bytes=*/0,
    /*scratch_alignment=*/64,
};

/// plain: the same signature with every weight embedded.
void plainRunPacked(void **) {}
const kiln_model_info_t plainModel = {
    KILN_MODEL_ABI_VERSION,
    "plain",
    nullptr,
    1,
    1,
    scaledInputs,
    scaledOutputs,
    plainRunPacked,
    /*num_weights=*/0,
    /*weights=*/nullptr,
    /*weights_checksum=*/0,
    /*weights_bytes=*/0,
    /*scratch_bytes=*/0,
    /*scratch_alignment=*/64,
};

TensorPtr scaledInput() {
  kiln_tensor_t *tensor = nullptr;
  EXPECT_EQ(kiln_tensor_create(KILN_DTYPE_F32, 1, dims4, &tensor),
            KILN_STATUS_OK);
  const float values[] = {1.0f, 2.0f, 4.0f, -0.5f};
  std::memcpy(kiln_tensor_data(tensor), values, sizeof(values));
  return TensorPtr(tensor);
}
const std::vector<float> scaledExpected = {3.0f, -1.0f, -1.0f, -4.75f};

std::vector<float> valuesOf(const kiln_tensor_t *tensor) {
  std::vector<float> values(kiln_tensor_element_count(tensor));
  std::memcpy(values.data(), kiln_tensor_const_data(tensor),
              values.size() * sizeof(float));
  return values;
}

//===----------------------------------------------------------------------===//
// Weights files
//===----------------------------------------------------------------------===//

/// The fields of a weights file, valid for scaled unless a test changes one.
struct WeightsFile {
  std::string magic = std::string("KILNWTS\0", 8);
  uint32_t version = KILN_WEIGHTS_FORMAT_VERSION;
  uint32_t count = 2;
  std::string data = scaledData();
  uint64_t checksum = fnv1a64(scaledData());
  uint64_t size = dataBytes;
  /// Bytes after the data region.
  std::string trailing;

  std::string serialize() const {
    std::string bytes = magic;
    auto store = [&](uint64_t value, size_t width) {
      for (size_t i = 0; i < width; ++i)
        bytes += static_cast<char>((value >> (8 * i)) & 0xFF);
    };
    store(version, 4);
    store(count, 4);
    store(checksum, 8);
    store(size, 8);
    bytes.resize(KILN_WEIGHTS_HEADER_BYTES, '\0');
    return bytes + data + trailing;
  }
};

void writeFile(const fs::path &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

/// Runs each test in a fresh temporary directory (also the current
/// directory, where kiln_main writes its outputs) with unmapped slots.
class WeightsTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "kiln-weights-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir = pattern;
    previousDir = fs::current_path();
    fs::current_path(dir);
    scaleSlot = biasSlot = nullptr;
  }

  void TearDown() override {
    // A test that leaks a mapping would leave the slots set.
    EXPECT_EQ(scaleSlot, nullptr);
    EXPECT_EQ(biasSlot, nullptr);
    std::error_code ignored;
    fs::current_path(previousDir, ignored);
    fs::remove_all(dir, ignored);
  }

  /// Writes \p file to \p name in the test directory; \returns its path.
  std::string write(const WeightsFile &file,
                    const std::string &name = "scaled.weights") {
    std::string path = (dir / name).string();
    writeFile(path, file.serialize());
    return path;
  }

  /// Maps \p path for \p model expecting \p status; \returns the message and
  /// the mapping in \p out (NULL on failure, which is checked).
  static std::string map(const kiln_model_info_t *model, const char *path,
                         kiln_status_t status, WeightsPtr *out = nullptr) {
    kiln_weights_t *weights = sentinel();
    char error[512] = "stale";
    EXPECT_EQ(kiln_weights_map(model, path, &weights, error, sizeof(error)),
              status)
        << error;
    if (status == KILN_STATUS_OK)
      EXPECT_NE(weights, nullptr);
    else
      EXPECT_EQ(weights, nullptr);
    if (out)
      out->reset(weights);
    else if (status == KILN_STATUS_OK)
      kiln_weights_release(weights);
    return error;
  }

  /// Expects a failure to map \p file that leaves the slots unset;
  /// \returns the message without its "<path>: " prefix.
  std::string mapFails(const WeightsFile &file, kiln_status_t status,
                       const kiln_model_info_t &model = scaledModel) {
    std::string path = write(file);
    std::string message = map(&model, path.c_str(), status);
    EXPECT_EQ(scaleSlot, nullptr);
    EXPECT_EQ(biasSlot, nullptr);
    std::string prefix = path + ": ";
    EXPECT_EQ(message.compare(0, prefix.size(), prefix), 0) << message;
    return message.substr(std::min(prefix.size(), message.size()));
  }

  fs::path dir;
  fs::path previousDir;
};

//===----------------------------------------------------------------------===//
// kiln_weights_map and kiln_weights_release
//===----------------------------------------------------------------------===//

TEST_F(WeightsTest, TestChecksumIsFnv1a64) {
  // Published FNV-1a 64 test vectors, so that the files below are right.
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
}

TEST_F(WeightsTest, MapsWeightsSoThatTheModelRunsOnThem) {
  std::string path = write(WeightsFile());
  WeightsPtr weights;
  EXPECT_EQ(map(&scaledModel, path.c_str(), KILN_STATUS_OK, &weights), "");
  ASSERT_NE(scaleSlot, nullptr);
  ASSERT_NE(biasSlot, nullptr);
  // Weight i is at 64 + offset in the file, so as aligned as a tensor.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(scaleSlot) % KILN_TENSOR_ALIGNMENT, 0u);
  EXPECT_EQ(static_cast<char *>(biasSlot) - static_cast<char *>(scaleSlot),
            static_cast<ptrdiff_t>(biasOffset));
  EXPECT_EQ(std::memcmp(scaleSlot, scaleValues, sizeof(scaleValues)), 0);
  EXPECT_EQ(std::memcmp(biasSlot, biasValues, sizeof(biasValues)), 0);

  TensorPtr x = scaledInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  kiln_tensor_t *outputs[1] = {nullptr};
  char error[512] = "stale";
  ASSERT_EQ(kiln_model_run(&scaledModel, inputs, outputs, error, sizeof(error)),
            KILN_STATUS_OK)
      << error;
  TensorPtr y(outputs[0]);
  EXPECT_EQ(valuesOf(y.get()), scaledExpected);
}

TEST_F(WeightsTest, ReleaseClearsTheSlots) {
  std::string path = write(WeightsFile());
  WeightsPtr weights;
  map(&scaledModel, path.c_str(), KILN_STATUS_OK, &weights);
  EXPECT_NE(scaleSlot, nullptr);
  weights.reset();
  EXPECT_EQ(scaleSlot, nullptr);
  EXPECT_EQ(biasSlot, nullptr);
  kiln_weights_release(nullptr);
}

TEST_F(WeightsTest, KeepsNoFileDescriptorOpen) {
  auto countOpenFiles = [] {
    return std::distance(fs::directory_iterator("/proc/self/fd"),
                         fs::directory_iterator());
  };
  std::string good = write(WeightsFile(), "good.weights");
  WeightsFile corrupt;
  corrupt.data[0] ^= 0x01;
  std::string bad = write(corrupt, "bad.weights");
  auto before = countOpenFiles();
  WeightsPtr weights;
  map(&scaledModel, good.c_str(), KILN_STATUS_OK, &weights);
  // The mapping outlives the descriptor it was made from.
  EXPECT_EQ(countOpenFiles(), before);
  map(&scaledModel, bad.c_str(), KILN_STATUS_DATA_LOSS);
  weights.reset();
  EXPECT_EQ(countOpenFiles(), before);
}

TEST_F(WeightsTest, LastMappingWinsAndReleasingAnEarlierOneKeepsIt) {
  std::string first = write(WeightsFile(), "first.weights");
  std::string second = write(WeightsFile(), "second.weights");
  WeightsPtr firstWeights, secondWeights;
  map(&scaledModel, first.c_str(), KILN_STATUS_OK, &firstWeights);
  void *firstScale = scaleSlot;
  map(&scaledModel, second.c_str(), KILN_STATUS_OK, &secondWeights);
  void *secondScale = scaleSlot;
  EXPECT_NE(secondScale, firstScale);
  firstWeights.reset();
  EXPECT_EQ(scaleSlot, secondScale);
  EXPECT_NE(biasSlot, nullptr);
  EXPECT_EQ(std::memcmp(biasSlot, biasValues, sizeof(biasValues)), 0);
  secondWeights.reset();
  EXPECT_EQ(scaleSlot, nullptr);
  EXPECT_EQ(biasSlot, nullptr);
}

TEST_F(WeightsTest, FailedMappingLeavesTheCurrentOneInPlace) {
  std::string good = write(WeightsFile(), "good.weights");
  WeightsPtr weights;
  map(&scaledModel, good.c_str(), KILN_STATUS_OK, &weights);
  void *scale = scaleSlot, *bias = biasSlot;
  WeightsFile corrupt;
  corrupt.data[3] ^= 0x01;
  std::string bad = write(corrupt, "bad.weights");
  map(&scaledModel, bad.c_str(), KILN_STATUS_DATA_LOSS);
  EXPECT_EQ(scaleSlot, scale);
  EXPECT_EQ(biasSlot, bias);
}

TEST_F(WeightsTest, RunWithoutMappedWeightsFailsWithoutRunning) {
  TensorPtr x = scaledInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  kiln_tensor_t *outputs[1] = {reinterpret_cast<kiln_tensor_t *>(0x1)};
  char error[512] = "stale";
  int runsBefore = scaledRuns;
  EXPECT_EQ(kiln_model_run(&scaledModel, inputs, outputs, error, sizeof(error)),
            KILN_STATUS_FAILED_PRECONDITION);
  EXPECT_STREQ(error, "model 'scaled' keeps its weights in a file: map it "
                      "with kiln_weights_map() first");
  EXPECT_EQ(outputs[0], nullptr);
  EXPECT_EQ(scaledRuns, runsBefore);

  // Likewise once the mapping is gone, and with one slot missing.
  std::string path = write(WeightsFile());
  WeightsPtr weights;
  map(&scaledModel, path.c_str(), KILN_STATUS_OK, &weights);
  weights.reset();
  EXPECT_EQ(kiln_model_run(&scaledModel, inputs, outputs, nullptr, 0),
            KILN_STATUS_FAILED_PRECONDITION);
  map(&scaledModel, path.c_str(), KILN_STATUS_OK, &weights);
  void *bias = biasSlot;
  biasSlot = nullptr;
  EXPECT_EQ(kiln_model_run(&scaledModel, inputs, outputs, nullptr, 0),
            KILN_STATUS_FAILED_PRECONDITION);
  EXPECT_EQ(scaledRuns, runsBefore);
  biasSlot = bias;
}

TEST_F(WeightsTest, CheckingInputsNeedsNoWeights) {
  TensorPtr x = scaledInput();
  EXPECT_EQ(kiln_model_check_input(&scaledModel, 0, x.get(), nullptr, 0),
            KILN_STATUS_OK);
}

TEST_F(WeightsTest, MapsEmptyWeightsUpToTheEndOfTheData) {
  // An empty weight may point just past the data, and even be all of it;
  // release must still clear its slot.
  void *emptySlot = nullptr;
  const kiln_weight_info_t atTheEnd[] = {{"scale", &scaleSlot, 0, 16},
                                         {"bias", &biasSlot, 64, 16},
                                         {"empty", &emptySlot, 128, 0}};
  WeightsFile file;
  file.count = 3;
  file.data.resize(128, '\0');
  file.size = 128;
  file.checksum = fnv1a64(file.data);
  kiln_model_info_t model = scaledModel;
  model.num_weights = 3;
  model.weights = atTheEnd;
  model.weights_checksum = file.checksum;
  model.weights_bytes = 128;
  std::string path = write(file);
  WeightsPtr weights;
  map(&model, path.c_str(), KILN_STATUS_OK, &weights);
  EXPECT_EQ(static_cast<char *>(emptySlot) - static_cast<char *>(scaleSlot),
            128);
  weights.reset();
  EXPECT_EQ(emptySlot, nullptr);

  const kiln_weight_info_t onlyEmpty[] = {{"empty", &emptySlot, 0, 0}};
  file = WeightsFile();
  file.count = 1;
  file.data.clear();
  file.size = 0;
  file.checksum = fnv1a64("");
  model.num_weights = 1;
  model.weights = onlyEmpty;
  model.weights_checksum = file.checksum;
  model.weights_bytes = 0;
  path = write(file);
  map(&model, path.c_str(), KILN_STATUS_OK, &weights);
  EXPECT_NE(emptySlot, nullptr);
  weights.reset();
  EXPECT_EQ(emptySlot, nullptr);
}

TEST_F(WeightsTest, AcceptsBytesAfterTheDataRegion) {
  WeightsFile file;
  file.trailing = "not part of the data region";
  std::string path = write(file);
  WeightsPtr weights;
  EXPECT_EQ(map(&scaledModel, path.c_str(), KILN_STATUS_OK, &weights), "");
}

TEST_F(WeightsTest, RejectsFileWithoutTheMagic) {
  const char *notWeights =
      "not a kiln weights file (it does not start with \"KILNWTS\\0\")";
  WeightsFile file;
  file.magic = std::string("KILNWTX\0", 8);
  EXPECT_EQ(mapFails(file, KILN_STATUS_DATA_LOSS), notWeights);
  // The NUL is part of the magic.
  file.magic = "KILNWTS!";
  EXPECT_EQ(mapFails(file, KILN_STATUS_DATA_LOSS), notWeights);

  std::string path = (dir / "short.weights").string();
  for (const char *bytes : {"", "KILN"}) {
    SCOPED_TRACE(bytes);
    writeFile(path, bytes);
    EXPECT_EQ(map(&scaledModel, path.c_str(), KILN_STATUS_DATA_LOSS),
              path + ": " + notWeights);
  }
}

TEST_F(WeightsTest, RejectsTruncatedHeader) {
  std::string path = (dir / "short.weights").string();
  writeFile(path, WeightsFile().serialize().substr(0, 30));
  EXPECT_EQ(map(&scaledModel, path.c_str(), KILN_STATUS_DATA_LOSS),
            path + ": truncated header: the file has only 30 bytes");
}

TEST_F(WeightsTest, RejectsOtherFormatVersion) {
  WeightsFile file;
  file.version = 2;
  EXPECT_EQ(mapFails(file, KILN_STATUS_INCOMPATIBLE),
            "unsupported weights format version 2 (supported: 1)");
}

TEST_F(WeightsTest, RejectsFileWithAnotherWeightCount) {
  WeightsFile file;
  file.count = 3;
  EXPECT_EQ(mapFails(file, KILN_STATUS_INCOMPATIBLE),
            "written for another compile of model 'scaled' (weight count 3 "
            "!= 2)");
}

TEST_F(WeightsTest, RejectsFileWithAnotherDataSize) {
  WeightsFile file;
  file.data.resize(128, '\0');
  file.size = 128;
  file.checksum = fnv1a64(file.data);
  EXPECT_EQ(mapFails(file, KILN_STATUS_INCOMPATIBLE),
            "written for another compile of model 'scaled' (data size 128 != "
            "80)");
}

TEST_F(WeightsTest, RejectsFileWithAnotherChecksum) {
  // A consistent file, just not the one this model was compiled with.
  WeightsFile file;
  file.data[0] ^= 0x40;
  file.checksum = fnv1a64(file.data);
  EXPECT_EQ(mapFails(file, KILN_STATUS_INCOMPATIBLE),
            "written for another compile of model 'scaled' (checksum " +
                hex(file.checksum) +
                " != " + hex(scaledModel.weights_checksum) + ")");
}

TEST_F(WeightsTest, RejectsCorruptData) {
  // The header still matches the model; a byte of the data does not.
  for (size_t index : {size_t{0}, size_t{40}, size_t{dataBytes - 1}}) {
    SCOPED_TRACE(index);
    WeightsFile file;
    file.data[index] ^= 0x01;
    EXPECT_EQ(mapFails(file, KILN_STATUS_DATA_LOSS),
              "corrupt: data checksum " + hex(fnv1a64(file.data)) +
                  " does not match its header");
  }
}

TEST_F(WeightsTest, RejectsTruncatedData) {
  WeightsFile file;
  file.data.resize(70);
  EXPECT_EQ(mapFails(file, KILN_STATUS_DATA_LOSS),
            "truncated: expected 80 data bytes, found 70");
  file.data.clear();
  EXPECT_EQ(mapFails(file, KILN_STATUS_DATA_LOSS),
            "truncated: expected 80 data bytes, found 0");
}

TEST_F(WeightsTest, RejectsMissingFileAndDirectory) {
  std::string missing = (dir / "missing.weights").string();
  EXPECT_EQ(map(&scaledModel, missing.c_str(), KILN_STATUS_IO_ERROR),
            missing + ": cannot open: No such file or directory");
  EXPECT_EQ(map(&scaledModel, dir.c_str(), KILN_STATUS_IO_ERROR),
            dir.string() + ": cannot read: Is a directory");
}

TEST_F(WeightsTest, RejectsMalformedWeightTable) {
  void *slot = nullptr;
  const kiln_weight_info_t misaligned[] = {{"scale", &scaleSlot, 0, 16},
                                           {"bias", &biasSlot, 48, 16}};
  const kiln_weight_info_t pastTheEnd[] = {{"scale", &scaleSlot, 0, 16},
                                           {"bias", &biasSlot, 64, 17}};
  const kiln_weight_info_t wrapping[] = {
      {"scale", &scaleSlot, 0, 16}, {"bias", &biasSlot, 64, UINT64_MAX - 63}};
  const kiln_weight_info_t noSlot[] = {{"scale", &scaleSlot, 0, 16},
                                       {"bias", nullptr, 64, 16}};
  const kiln_weight_info_t noName[] = {{nullptr, &slot, 64, 16},
                                       {"bias", &biasSlot, 64, 16}};
  struct Case {
    const kiln_weight_info_t *weights;
    const char *message;
  };
  const Case cases[] = {
      {misaligned,
       "model 'scaled': weight 1 ('bias') has offset 48, not a multiple of "
       "64"},
      {pastTheEnd, "model 'scaled': weight 1 ('bias') of 17 bytes at offset "
                   "64 does not fit in the 80-byte data region"},
      {wrapping, "model 'scaled': weight 1 ('bias') of 18446744073709551552 "
                 "bytes at offset 64 does not fit in the 80-byte data region"},
      {noSlot, "model 'scaled': weight 1 ('bias') has a NULL slot"},
      // The name is for messages only: without it the weight is still
      // checked, here for a second weight mapped onto the same bytes.
      {noName, nullptr},
  };
  std::string path = write(WeightsFile());
  for (const Case &c : cases) {
    SCOPED_TRACE(c.message ? c.message : "no name");
    kiln_model_info_t model = scaledModel;
    model.weights = c.weights;
    if (!c.message) {
      WeightsPtr weights;
      map(&model, path.c_str(), KILN_STATUS_OK, &weights);
      EXPECT_EQ(slot, biasSlot);
      weights.reset();
      EXPECT_EQ(slot, nullptr);
      continue;
    }
    EXPECT_EQ(map(&model, path.c_str(), KILN_STATUS_INVALID_ARGUMENT),
              c.message);
    // kiln_model_run validates the same table.
    TensorPtr x = scaledInput();
    const kiln_tensor_t *inputs[] = {x.get()};
    kiln_tensor_t *outputs[1] = {nullptr};
    char error[512] = "";
    EXPECT_EQ(kiln_model_run(&model, inputs, outputs, error, sizeof(error)),
              KILN_STATUS_INVALID_ARGUMENT);
    EXPECT_STREQ(error, c.message);
  }
  EXPECT_EQ(scaleSlot, nullptr);
  EXPECT_EQ(biasSlot, nullptr);
}

TEST_F(WeightsTest, RejectsMalformedModelInfo) {
  std::string path = write(WeightsFile());
  kiln_model_info_t model = scaledModel;
  model.num_weights = -2;
  EXPECT_EQ(map(&model, path.c_str(), KILN_STATUS_INVALID_ARGUMENT),
            "model 'scaled': num_weights is negative");
  model = scaledModel;
  model.weights = nullptr;
  EXPECT_EQ(map(&model, path.c_str(), KILN_STATUS_INVALID_ARGUMENT),
            "model 'scaled': weights is NULL");
  model = scaledModel;
  model.abi_version = 1;
  EXPECT_EQ(map(&model, path.c_str(), KILN_STATUS_INCOMPATIBLE),
            "model ABI version 1 is not supported by this runtime (version "
            "3); recompile the model with a matching kiln");
}

TEST_F(WeightsTest, RejectsModelWithoutWeights) {
  std::string path = write(WeightsFile());
  EXPECT_EQ(map(&plainModel, path.c_str(), KILN_STATUS_INVALID_ARGUMENT),
            path + ": model 'plain' keeps no weights in a file (num_weights "
                   "is 0)");
}

TEST_F(WeightsTest, RejectsNullArgumentsAndClearsOutput) {
  std::string path = write(WeightsFile());
  EXPECT_EQ(map(nullptr, path.c_str(), KILN_STATUS_INVALID_ARGUMENT),
            "kiln_weights_map: model is NULL");
  EXPECT_EQ(map(&scaledModel, nullptr, KILN_STATUS_INVALID_ARGUMENT),
            "kiln_weights_map: path is NULL");
  char error[512] = "stale";
  EXPECT_EQ(kiln_weights_map(&scaledModel, path.c_str(), nullptr, error,
                             sizeof(error)),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(error, path + ": out_weights is NULL");
  EXPECT_EQ(scaleSlot, nullptr);
}

TEST_F(WeightsTest, WorksWithoutErrorBufferAndTruncatesMessages) {
  std::string path = write(WeightsFile());
  kiln_weights_t *weights = nullptr;
  ASSERT_EQ(kiln_weights_map(&scaledModel, path.c_str(), &weights, nullptr, 0),
            KILN_STATUS_OK);
  kiln_weights_release(weights);
  char error[6] = "stale";
  EXPECT_EQ(
      kiln_weights_map(&scaledModel, "nope", &weights, error, sizeof(error)),
      KILN_STATUS_IO_ERROR);
  EXPECT_STREQ(error, "nope:");
}

//===----------------------------------------------------------------------===//
// kiln_main
//===----------------------------------------------------------------------===//

struct MainResult {
  int exitCode;
  std::string out;
  std::string err;
};

/// Calls kiln_main with argv {"./NAME", args...} and captures its output.
MainResult runMain(const kiln_model_info_t &model,
                   std::vector<std::string> args) {
  args.insert(args.begin(), std::string("./") + model.name);
  std::vector<char *> argv;
  for (std::string &arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int exitCode = kiln_main(static_cast<int>(args.size()), argv.data(), &model);
  MainResult result;
  result.exitCode = exitCode;
  result.err = ::testing::internal::GetCapturedStderr();
  result.out = ::testing::internal::GetCapturedStdout();
  return result;
}

/// Runs kiln_main expecting exit status 1, nothing on stdout and one line on
/// stderr; \returns that line without its newline.
std::string expectFails(const kiln_model_info_t &model,
                        std::vector<std::string> args) {
  MainResult result = runMain(model, std::move(args));
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1)
      << result.err;
  if (!result.err.empty() && result.err.back() == '\n')
    result.err.pop_back();
  return result.err;
}

/// The path of this test binary, as kiln_main finds it.
std::string getExecutablePath() {
  std::string path(4096, '\0');
  ssize_t length = ::readlink("/proc/self/exe", path.data(), path.size());
  EXPECT_GT(length, 0) << std::strerror(errno);
  path.resize(length > 0 ? static_cast<size_t>(length) : 0);
  return path;
}

void writeInput() {
  char error[512] = "";
  ASSERT_EQ(kiln_npy_write("x.npy", scaledInput().get(), error, sizeof(error)),
            KILN_STATUS_OK)
      << error;
}

const char *scaledSummary = "y: f32 [4] -> y.npy\n"
                            "  [3, -1, -1, -4.75]\n"
                            "  argmax 0\n";

TEST_F(WeightsTest, MainMapsTheWeightsFileGiven) {
  write(WeightsFile(), "w.weights");
  writeInput();
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--weights", "w.weights", "x.npy"},
        std::vector<std::string>{"x.npy", "--weights=w.weights"}}) {
    SCOPED_TRACE(args[0]);
    MainResult result = runMain(scaledModel, args);
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.err, "");
    EXPECT_EQ(result.out, scaledSummary);
    // Unmapped on return.
    EXPECT_EQ(scaleSlot, nullptr);
    EXPECT_EQ(biasSlot, nullptr);
  }
  kiln_tensor_t *y = nullptr;
  ASSERT_EQ(kiln_npy_read("y.npy", &y, nullptr, 0), KILN_STATUS_OK);
  TensorPtr yPtr(y);
  EXPECT_EQ(valuesOf(y), scaledExpected);
}

TEST_F(WeightsTest, MainLooksNextToTheExecutableByDefault) {
  writeInput();
  // This test binary has no weights file next to it.
  std::string path = getExecutablePath() + ".weights";
  ASSERT_FALSE(fs::exists(path));
  int runsBefore = scaledRuns;
  EXPECT_EQ(expectFails(scaledModel, {"x.npy"}),
            path + ": cannot open: No such file or directory (the model "
                   "keeps its weights in this file; pass --weights FILE)");
  EXPECT_EQ(scaledRuns, runsBefore);
  EXPECT_FALSE(fs::exists("y.npy"));
}

TEST_F(WeightsTest, MainReportsBadWeightsFileGiven) {
  writeInput();
  EXPECT_EQ(expectFails(scaledModel, {"--weights", "nope.weights", "x.npy"}),
            "nope.weights: cannot open: No such file or directory");
  WeightsFile file;
  file.data[5] ^= 0x10;
  write(file, "w.weights");
  int runsBefore = scaledRuns;
  EXPECT_EQ(expectFails(scaledModel, {"--weights", "w.weights", "x.npy"}),
            "w.weights: corrupt: data checksum " + hex(fnv1a64(file.data)) +
                " does not match its header");
  EXPECT_EQ(scaledRuns, runsBefore);
  EXPECT_FALSE(fs::exists("y.npy"));
}

TEST_F(WeightsTest, MainChecksTheInputsBeforeTheWeights) {
  EXPECT_EQ(expectFails(scaledModel, {"--weights", "nope.weights", "x.npy"}),
            "x.npy: cannot open: No such file or directory");
}

TEST_F(WeightsTest, MainReportsBadWeightsOptions) {
  EXPECT_EQ(expectFails(scaledModel, {"x.npy", "--weights"}),
            "scaled: option '--weights' needs a path");
  EXPECT_EQ(expectFails(scaledModel, {"--weights=", "x.npy"}),
            "scaled: option '--weights' needs a path");
  EXPECT_EQ(expectFails(scaledModel, {"--weightsfile", "x.npy"}),
            "scaled: unknown option '--weightsfile' (see --help)");
  EXPECT_EQ(expectFails(plainModel, {"--weights", "w.weights", "x.npy"}),
            "plain: option '--weights' given, but the model keeps no weights "
            "in a file");
}

TEST_F(WeightsTest, MainHelpNamesTheWeightsFile) {
  std::string exe = getExecutablePath();
  std::string name = exe.substr(exe.rfind('/') + 1);
  MainResult result = runMain(scaledModel, {"--help"});
  EXPECT_EQ(result.exitCode, 0);
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out,
            "usage: scaled [-o OUT.npy]... [--weights FILE] [--threads N] IN.npy...\n"
            "\n"
            "Runs model 'scaled' (compiled from scaled.onnx) on .npy inputs "
            "and writes its outputs as .npy files.\n"
            "\n"
            "inputs, in order:\n"
            "  x: f32 [4]\n"
            "outputs, in order, and where they go without -o:\n"
            "  y: f32 [4] -> y.npy\n"
            "weights: " +
                name +
                ".weights next to the executable, or --weights FILE\n"
                "\n"
                "options:\n"
                "  -o OUT.npy       write the next output to OUT.npy\n"
                "  --weights FILE   map the weights from FILE\n"
                "  --threads N      run large loops on N threads\n"
                "  -h, --help       print this help and exit\n"
                "  --               treat every later argument as an input\n");
}

} // namespace

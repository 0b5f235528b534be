//===- ModelTest.cpp - Tests for kiln/model.h ------------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// The compiled models here are hand-written stand-ins for generated code: a
// kiln_model_info_t constant and a run_packed function, exactly what
// `kiln compile` emits, all with their weights embedded (num_weights 0;
// WeightsTest.cpp covers weights files) and all but staged without scratch
// memory. kiln_main is run in-process on argv
// vectors, with stdout and stderr captured; the texts it prints are matched
// exactly because lit tests depend on them.
//
//===----------------------------------------------------------------------===//

#include "kiln/model.h"
#include "kiln/npy.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct TensorDeleter {
  void operator()(kiln_tensor_t *tensor) const { kiln_tensor_release(tensor); }
};
using TensorPtr = std::unique_ptr<kiln_tensor_t, TensorDeleter>;

/// A non-null pointer that no failing call may leave in an output parameter.
kiln_tensor_t *sentinel() { return reinterpret_cast<kiln_tensor_t *>(0x1); }

bool startsWith(const std::string &text, const std::string &prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::vector<int64_t> dimsOf(const kiln_tensor_t *tensor) {
  const int64_t *dims = kiln_tensor_dims(tensor);
  return std::vector<int64_t>(dims, dims + kiln_tensor_rank(tensor));
}

/// A tensor of \p dtype and shape \p dims holding \p values, which must have
/// the tensor's element type and count.
template <typename T = float>
TensorPtr makeTensor(kiln_dtype_t dtype, std::vector<int64_t> dims,
                     std::vector<T> values = {}) {
  kiln_tensor_t *tensor = nullptr;
  EXPECT_EQ(kiln_tensor_create(dtype, dims.size(), dims.data(), &tensor),
            KILN_STATUS_OK);
  if (!values.empty()) {
    EXPECT_EQ(values.size() * sizeof(T), kiln_tensor_byte_size(tensor));
    std::memcpy(
        kiln_tensor_data(tensor), values.data(),
        std::min(values.size() * sizeof(T), kiln_tensor_byte_size(tensor)));
  }
  return TensorPtr(tensor);
}

template <typename T>
std::vector<T> valuesOf(const kiln_tensor_t *tensor) {
  std::vector<T> values(kiln_tensor_byte_size(tensor) / sizeof(T));
  std::memcpy(values.data(), kiln_tensor_const_data(tensor),
              values.size() * sizeof(T));
  return values;
}

//===----------------------------------------------------------------------===//
// Stand-ins for compiled models
//===----------------------------------------------------------------------===//

constexpr int64_t dims2x3[] = {2, 3};
constexpr int64_t dims1x3[] = {1, 3};
constexpr int64_t dims3[] = {3};
constexpr int64_t dims2[] = {2};

/// How often each model ran, and the buffers of its last run: tests use them
/// to prove that a failed check never reaches generated code.
int affineRuns = 0;
int classifyRuns = 0;
void *classifyBuffers[4];

/// affine: y = x * 2 + b over f32 [2, 3], b a constant row.
constexpr float affineBias[] = {0.5f, -1.0f, 0.25f};
void affineRunPacked(void **buffers) {
  ++affineRuns;
  const auto *x = static_cast<const float *>(buffers[0]);
  auto *y = static_cast<float *>(buffers[1]);
  for (int i = 0; i < 6; ++i)
    y[i] = x[i] * 2.0f + affineBias[i % 3];
}
const kiln_io_info_t affineInputs[] = {{"x", KILN_DTYPE_F32, 2, dims2x3}};
const kiln_io_info_t affineOutputs[] = {{"y", KILN_DTYPE_F32, 2, dims2x3}};
const kiln_model_info_t affineModel = {
    KILN_MODEL_ABI_VERSION,
    "affine",
    "affine.onnx",
    1,
    1,
    affineInputs,
    affineOutputs,
    affineRunPacked,
    /*num_weights=*/0,
    /*weights=*/nullptr,
    /*weights_checksum=*/0,
    /*weights_bytes=*/0,
    /*scratch_bytes=*/0,
    /*scratch_alignment=*/64,
};

/// classify: scores[j] = (features[0][j] + features[1][j]) * weights[j] as
/// f32 [1, 3], and labels[i] = argmax(features[i]) as i64 [2].
void classifyRunPacked(void **buffers) {
  ++classifyRuns;
  std::copy(buffers, buffers + 4, classifyBuffers);
  const auto *features = static_cast<const float *>(buffers[0]);
  const auto *weights = static_cast<const float *>(buffers[1]);
  auto *scores = static_cast<float *>(buffers[2]);
  auto *labels = static_cast<int64_t *>(buffers[3]);
  for (int j = 0; j < 3; ++j)
    scores[j] = (features[j] + features[3 + j]) * weights[j];
  for (int i = 0; i < 2; ++i)
    labels[i] = std::max_element(features + 3 * i, features + 3 * i + 3) -
                (features + 3 * i);
}
const kiln_io_info_t classifyInputs[] = {
    {"features", KILN_DTYPE_F32, 2, dims2x3},
    {"weights", KILN_DTYPE_F32, 1, dims3}};
const kiln_io_info_t classifyOutputs[] = {
    {"scores", KILN_DTYPE_F32, 2, dims1x3},
    {"labels", KILN_DTYPE_I64, 1, dims2}};
const kiln_model_info_t classifyModel = {
    KILN_MODEL_ABI_VERSION,   "classify",      "classify.onnx",   2, 2,
    classifyInputs,           classifyOutputs, classifyRunPacked,
    /*num_weights=*/0,
    /*weights=*/nullptr,
    /*weights_checksum=*/0,
    /*weights_bytes=*/0,
    /*scratch_bytes=*/0,
    /*scratch_alignment=*/64,
};

/// consts: no inputs; one output per corner of the summary format.
constexpr int64_t dims12[] = {12};
constexpr int64_t dims0[] = {0};
void constsRunPacked(void **buffers) {
  auto *ramp = static_cast<float *>(buffers[0]);
  for (int i = 0; i < 12; ++i)
    ramp[i] = i * 0.25f - 1.0f;
  // 1.0, -2.0 and the smallest subnormal half.
  const uint16_t half[] = {0x3C00, 0xC000, 0x0001};
  std::memcpy(buffers[1], half, sizeof(half));
  // 1.5 and a NaN, which wins argmax as in NumPy.
  const uint16_t brain[] = {0x3FC0, 0x7FC0};
  std::memcpy(buffers[2], brain, sizeof(brain));
  *static_cast<unsigned char *>(buffers[3]) = 1;
  // buffers[4] is the empty output.
  const double special[] = {-0.0,
                            std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::quiet_NaN(),
                            1.0 / 3.0,
                            123456789.0};
  std::memcpy(buffers[5], special, sizeof(special));
  const unsigned char bytes[] = {0, 255, 7};
  std::memcpy(buffers[6], bytes, sizeof(bytes));
}
const kiln_io_info_t constsOutputs[] = {
    {"ramp", KILN_DTYPE_F32, 1, dims12},
    {"half", KILN_DTYPE_F16, 2, dims1x3},
    {"brain", KILN_DTYPE_BF16, 1, dims2},
    {"flag", KILN_DTYPE_BOOL, 0, nullptr},
    {"empty", KILN_DTYPE_F32, 1, dims0},
    {"special", KILN_DTYPE_F64, 2, dims2x3},
    {"dense/BiasAdd:0", KILN_DTYPE_U8, 1, dims3}};
const kiln_model_info_t constsModel = {
    KILN_MODEL_ABI_VERSION,   "consts", nullptr, 0, 7, nullptr, constsOutputs,
    constsRunPacked,
    /*num_weights=*/0,
    /*weights=*/nullptr,
    /*weights_checksum=*/0,
    /*weights_bytes=*/0,
    /*scratch_bytes=*/0,
    /*scratch_alignment=*/64,
};

/// lazy: writes nothing, so its output shows what the runtime allocated.
void lazyRunPacked(void **) {}
const kiln_io_info_t lazyOutputs[] = {{"y", KILN_DTYPE_I32, 1, dims3}};
const kiln_model_info_t lazyModel = {
    KILN_MODEL_ABI_VERSION,
    "lazy",
    nullptr,
    0,
    1,
    nullptr,
    lazyOutputs,
    lazyRunPacked,
    /*num_weights=*/0,
    /*weights=*/nullptr,
    /*weights_checksum=*/0,
    /*weights_bytes=*/0,
    /*scratch_bytes=*/0,
    /*scratch_alignment=*/64,
};

/// staged: y = x * 2 + 1 over f32 [2, 3] in two steps, as generated code
/// runs a graph: tmp = x * 2 in the scratch arena, then y = tmp + 1. It
/// records the arena it was given, to check where it points.
int stagedRuns = 0;
void *stagedScratch = nullptr;
void stagedRunPacked(void **buffers) {
  ++stagedRuns;
  stagedScratch = buffers[2];
  const auto *x = static_cast<const float *>(buffers[0]);
  auto *y = static_cast<float *>(buffers[1]);
  auto *tmp = static_cast<float *>(buffers[2]);
  for (int i = 0; i < 6; ++i)
    tmp[i] = x[i] * 2.0f;
  for (int i = 0; i < 6; ++i)
    y[i] = tmp[i] + 1.0f;
}
const kiln_model_info_t stagedModel = {
    KILN_MODEL_ABI_VERSION,
    "staged",
    "staged.onnx",
    1,
    1,
    affineInputs,
    affineOutputs,
    stagedRunPacked,
    /*num_weights=*/0,
    /*weights=*/nullptr,
    /*weights_checksum=*/0,
    /*weights_bytes=*/0,
    // Not a multiple of the alignment: the runtime must round it up.
    /*scratch_bytes=*/6 * sizeof(float),
    /*scratch_alignment=*/64,
};
const std::vector<float> stagedExpected = {3, 5, 7, 9, 11, 13};

bool isAligned(const void *pointer, uint64_t alignment) {
  return reinterpret_cast<uintptr_t>(pointer) % alignment == 0;
}

TensorPtr affineInput() {
  return makeTensor(KILN_DTYPE_F32, {2, 3},
                    std::vector<float>{1, 2, 3, 4, 5, 6});
}
const std::vector<float> affineExpected = {2.5f, 3.0f, 6.25f,
                                           8.5f, 9.0f, 12.25f};

//===----------------------------------------------------------------------===//
// kiln_model_check_input
//===----------------------------------------------------------------------===//

/// Checks \p tensor as input \p index of \p model, expecting \p status;
/// \returns the message.
std::string checkInput(const kiln_model_info_t *model, int32_t index,
                       const kiln_tensor_t *tensor, kiln_status_t status) {
  char error[512] = "stale";
  EXPECT_EQ(kiln_model_check_input(model, index, tensor, error, sizeof(error)),
            status)
      << error;
  return error;
}

TEST(ModelCheckInputTest, AcceptsTensorOfTheCompiledTypeAndShape) {
  TensorPtr x = affineInput();
  EXPECT_EQ(checkInput(&affineModel, 0, x.get(), KILN_STATUS_OK), "");
}

TEST(ModelCheckInputTest, ChecksTheInputAtIndex) {
  TensorPtr weights = makeTensor(KILN_DTYPE_F32, {3});
  EXPECT_EQ(checkInput(&classifyModel, 1, weights.get(), KILN_STATUS_OK), "");
  EXPECT_EQ(checkInput(&classifyModel, 0, weights.get(),
                       KILN_STATUS_FAILED_PRECONDITION),
            "input 'features' expects f32 [2, 3], got f32 [3]");
}

TEST(ModelCheckInputTest, RejectsDtypeMismatchNamingBothDtypes) {
  TensorPtr x = makeTensor(KILN_DTYPE_F64, {2, 3});
  EXPECT_EQ(
      checkInput(&affineModel, 0, x.get(), KILN_STATUS_FAILED_PRECONDITION),
      "input 'x' expects f32 [2, 3], got f64 [2, 3]");
}

TEST(ModelCheckInputTest, RejectsRankMismatch) {
  TensorPtr flat = makeTensor(KILN_DTYPE_F32, {6});
  EXPECT_EQ(
      checkInput(&affineModel, 0, flat.get(), KILN_STATUS_FAILED_PRECONDITION),
      "input 'x' expects f32 [2, 3], got f32 [6]");
  TensorPtr scalar = makeTensor(KILN_DTYPE_F32, {});
  EXPECT_EQ(checkInput(&affineModel, 0, scalar.get(),
                       KILN_STATUS_FAILED_PRECONDITION),
            "input 'x' expects f32 [2, 3], got f32 []");
}

TEST(ModelCheckInputTest, RejectsDimMismatch) {
  TensorPtr x = makeTensor(KILN_DTYPE_F32, {3, 2});
  EXPECT_EQ(
      checkInput(&affineModel, 0, x.get(), KILN_STATUS_FAILED_PRECONDITION),
      "input 'x' expects f32 [2, 3], got f32 [3, 2]");
}

TEST(ModelCheckInputTest, RejectsNullArguments) {
  TensorPtr x = affineInput();
  EXPECT_EQ(checkInput(nullptr, 0, x.get(), KILN_STATUS_INVALID_ARGUMENT),
            "kiln_model_check_input: model is NULL");
  EXPECT_EQ(checkInput(&affineModel, 0, nullptr, KILN_STATUS_INVALID_ARGUMENT),
            "kiln_model_check_input: tensor is NULL");
}

TEST(ModelCheckInputTest, RejectsIndexOutOfRange) {
  TensorPtr x = affineInput();
  EXPECT_EQ(checkInput(&affineModel, 1, x.get(), KILN_STATUS_INVALID_ARGUMENT),
            "model 'affine': input index 1 is out of range [0, 1)");
  EXPECT_EQ(checkInput(&affineModel, -1, x.get(), KILN_STATUS_INVALID_ARGUMENT),
            "model 'affine': input index -1 is out of range [0, 1)");
  EXPECT_EQ(checkInput(&constsModel, 0, x.get(), KILN_STATUS_INVALID_ARGUMENT),
            "model 'consts': input index 0 is out of range [0, 0)");
}

TEST(ModelCheckInputTest, RejectsModelOfAnotherAbiVersion) {
  static_assert(KILN_MODEL_ABI_VERSION == 3, "update the messages below");
  kiln_model_info_t model = affineModel;
  model.abi_version = KILN_MODEL_ABI_VERSION + 1;
  TensorPtr x = affineInput();
  EXPECT_EQ(checkInput(&model, 0, x.get(), KILN_STATUS_INCOMPATIBLE),
            "model ABI version 4 is not supported by this runtime (version "
            "3); recompile the model with a matching kiln");
  // Version 2 structs end at weights_bytes: no scratch fields.
  model.abi_version = 2;
  EXPECT_EQ(checkInput(&model, 0, x.get(), KILN_STATUS_INCOMPATIBLE),
            "model ABI version 2 is not supported by this runtime (version "
            "3); recompile the model with a matching kiln");
  // Version 1 structs end at run_packed: none of the weight fields exist.
  model.abi_version = 1;
  EXPECT_EQ(checkInput(&model, 0, x.get(), KILN_STATUS_INCOMPATIBLE),
            "model ABI version 1 is not supported by this runtime (version "
            "3); recompile the model with a matching kiln");
}

TEST(ModelCheckInputTest, ReadsNothingPastTheEndOfAVersion2Struct) {
  // A model compiled for version 2 has a struct that stops where the scratch
  // fields begin; on the heap, ASan reports any read beyond it.
  constexpr size_t version2Size = offsetof(kiln_model_info_t, scratch_bytes);
  kiln_model_info_t model = affineModel;
  model.abi_version = 2;
  std::unique_ptr<unsigned char[]> storage(new unsigned char[version2Size]);
  std::memcpy(storage.get(), &model, version2Size);
  const auto *old = reinterpret_cast<const kiln_model_info_t *>(storage.get());
  TensorPtr x = affineInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  kiln_tensor_t *outputs[1] = {sentinel()};
  EXPECT_TRUE(startsWith(checkInput(old, 0, x.get(), KILN_STATUS_INCOMPATIBLE),
                         "model ABI version 2 is not supported"));
  EXPECT_EQ(kiln_model_run(old, inputs, outputs, nullptr, 0),
            KILN_STATUS_INCOMPATIBLE);
  EXPECT_EQ(outputs[0], sentinel());
}

TEST(ModelCheckInputTest, RejectsMalformedModelInfo) {
  constexpr int64_t negative[] = {2, -3};
  const kiln_io_info_t noName[] = {{nullptr, KILN_DTYPE_F32, 2, dims2x3}};
  const kiln_io_info_t badDtype[] = {{"x", 99, 2, dims2x3}};
  const kiln_io_info_t zeroDtype[] = {{"x", 0, 2, dims2x3}};
  const kiln_io_info_t negativeRank[] = {{"x", KILN_DTYPE_F32, -1, dims2x3}};
  const kiln_io_info_t hugeRank[] = {{"x", KILN_DTYPE_F32, 9, dims2x3}};
  const kiln_io_info_t noDims[] = {{"x", KILN_DTYPE_F32, 2, nullptr}};
  const kiln_io_info_t negativeDim[] = {{"x", KILN_DTYPE_F32, 2, negative}};
  struct Case {
    kiln_model_info_t model;
    const char *message;
  };
  auto with = [](auto mutate) {
    kiln_model_info_t model = affineModel;
    mutate(model);
    return model;
  };
  const Case cases[] = {
      {with([](auto &m) { m.name = nullptr; }), "model: name is NULL"},
      {with([](auto &m) { m.num_inputs = -1; }),
       "model 'affine': num_inputs is negative"},
      {with([](auto &m) { m.num_outputs = -1; }),
       "model 'affine': num_outputs is negative"},
      {with([](auto &m) { m.inputs = nullptr; }),
       "model 'affine': inputs is NULL"},
      {with([](auto &m) { m.outputs = nullptr; }),
       "model 'affine': outputs is NULL"},
      {with([](auto &m) { m.run_packed = nullptr; }),
       "model 'affine': run_packed is NULL"},
      {with([&](auto &m) { m.inputs = noName; }),
       "model 'affine': input 0 has a NULL name"},
      {with([&](auto &m) { m.outputs = badDtype; }),
       "model 'affine': output 0 ('x') has invalid dtype 99"},
      {with([&](auto &m) { m.inputs = zeroDtype; }),
       "model 'affine': input 0 ('x') has invalid dtype 0"},
      {with([&](auto &m) { m.inputs = negativeRank; }),
       "model 'affine': input 0 ('x') has rank -1 (supported: 0 to 8)"},
      {with([&](auto &m) { m.inputs = hugeRank; }),
       "model 'affine': input 0 ('x') has rank 9 (supported: 0 to 8)"},
      {with([&](auto &m) { m.inputs = noDims; }),
       "model 'affine': input 0 ('x') has NULL dims"},
      {with([&](auto &m) { m.outputs = negativeDim; }),
       "model 'affine': output 0 ('x') has invalid shape [2, -3] (negative "
       "or too large)"},
      {with([](auto &m) { m.num_weights = -1; }),
       "model 'affine': num_weights is negative"},
      {with([](auto &m) { m.num_weights = 1; }),
       "model 'affine': weights is NULL"},
      {with([](auto &m) {
         m.scratch_bytes = 16;
         m.scratch_alignment = 48;
       }),
       "model 'affine': scratch_alignment 48 is not a power of two"},
      {with([](auto &m) {
         m.scratch_bytes = 16;
         m.scratch_alignment = 0;
       }),
       "model 'affine': scratch_alignment 0 is not a power of two"},
      {with([](auto &m) {
         m.scratch_bytes = 16;
         m.scratch_alignment = 8192;
       }),
       "model 'affine': scratch_alignment 8192 is larger than 4096"},
      {with([](auto &m) {
         m.scratch_bytes = 1;
         m.scratch_alignment = uint64_t{1} << 63;
       }),
       "model 'affine': scratch_alignment 9223372036854775808 is larger "
       "than 4096"},
  };
  TensorPtr x = affineInput();
  for (const Case &c : cases) {
    SCOPED_TRACE(c.message);
    EXPECT_EQ(checkInput(&c.model, 0, x.get(), KILN_STATUS_INVALID_ARGUMENT),
              c.message);
  }
}

TEST(ModelCheckInputTest, AcceptsEveryPowerOfTwoScratchAlignmentUpToAPage) {
  TensorPtr x = affineInput();
  kiln_model_info_t model = stagedModel;
  for (uint64_t alignment = 1; alignment <= 4096; alignment *= 2) {
    SCOPED_TRACE(alignment);
    model.scratch_alignment = alignment;
    EXPECT_EQ(checkInput(&model, 0, x.get(), KILN_STATUS_OK), "");
  }
}

TEST(ModelCheckInputTest, IgnoresScratchAlignmentWithoutScratch) {
  TensorPtr x = affineInput();
  kiln_model_info_t model = affineModel;
  for (uint64_t alignment : {0, 48, 8192}) {
    SCOPED_TRACE(alignment);
    model.scratch_alignment = alignment;
    EXPECT_EQ(checkInput(&model, 0, x.get(), KILN_STATUS_OK), "");
  }
}

TEST(ModelCheckInputTest, AcceptsScalarInputWithoutDims) {
  const kiln_io_info_t inputs[] = {{"s", KILN_DTYPE_I64, 0, nullptr}};
  kiln_model_info_t model = affineModel;
  model.inputs = inputs;
  TensorPtr scalar = makeTensor(KILN_DTYPE_I64, {});
  EXPECT_EQ(checkInput(&model, 0, scalar.get(), KILN_STATUS_OK), "");
}

TEST(ModelCheckInputTest, TruncatesMessageAndWorksWithoutErrorBuffer) {
  TensorPtr x = makeTensor(KILN_DTYPE_F64, {2, 3});
  char error[8] = "stale";
  EXPECT_EQ(
      kiln_model_check_input(&affineModel, 0, x.get(), error, sizeof(error)),
      KILN_STATUS_FAILED_PRECONDITION);
  EXPECT_STREQ(error, "input '");
  EXPECT_EQ(kiln_model_check_input(&affineModel, 0, x.get(), nullptr, 0),
            KILN_STATUS_FAILED_PRECONDITION);
}

//===----------------------------------------------------------------------===//
// kiln_model_run
//===----------------------------------------------------------------------===//

TEST(ModelRunTest, CreatesOutputsOfTheCompiledShapeWithTheModelsValues) {
  TensorPtr x = affineInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  kiln_tensor_t *outputs[1] = {sentinel()};
  char error[512] = "stale";
  int runsBefore = affineRuns;
  ASSERT_EQ(kiln_model_run(&affineModel, inputs, outputs, error, sizeof(error)),
            KILN_STATUS_OK)
      << error;
  TensorPtr y(outputs[0]);
  EXPECT_STREQ(error, "");
  EXPECT_EQ(affineRuns, runsBefore + 1);
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(kiln_tensor_dtype(y.get()), KILN_DTYPE_F32);
  EXPECT_EQ(dimsOf(y.get()), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(valuesOf<float>(y.get()), affineExpected);
  // The input is read-only to the model.
  EXPECT_EQ(valuesOf<float>(x.get()), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(ModelRunTest, PassesInputsThenOutputsInGraphOrder) {
  TensorPtr features = makeTensor(
      KILN_DTYPE_F32, {2, 3}, std::vector<float>{0.5f, -1, 2, 3, 0.25f, -4});
  TensorPtr weights =
      makeTensor(KILN_DTYPE_F32, {3}, std::vector<float>{1, 2, 0.5f});
  const kiln_tensor_t *inputs[] = {features.get(), weights.get()};
  kiln_tensor_t *outputs[2] = {sentinel(), sentinel()};
  ASSERT_EQ(kiln_model_run(&classifyModel, inputs, outputs, nullptr, 0),
            KILN_STATUS_OK);
  TensorPtr scores(outputs[0]), labels(outputs[1]);
  EXPECT_EQ(classifyBuffers[0], kiln_tensor_const_data(features.get()));
  EXPECT_EQ(classifyBuffers[1], kiln_tensor_const_data(weights.get()));
  EXPECT_EQ(classifyBuffers[2], kiln_tensor_const_data(scores.get()));
  EXPECT_EQ(classifyBuffers[3], kiln_tensor_const_data(labels.get()));
  EXPECT_EQ(kiln_tensor_dtype(scores.get()), KILN_DTYPE_F32);
  EXPECT_EQ(dimsOf(scores.get()), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(valuesOf<float>(scores.get()),
            (std::vector<float>{3.5f, -1.5f, -1.0f}));
  EXPECT_EQ(kiln_tensor_dtype(labels.get()), KILN_DTYPE_I64);
  EXPECT_EQ(dimsOf(labels.get()), (std::vector<int64_t>{2}));
  EXPECT_EQ(valuesOf<int64_t>(labels.get()), (std::vector<int64_t>{2, 0}));
}

TEST(ModelRunTest, GivesFreshOutputsOnEveryRun) {
  TensorPtr x = affineInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  kiln_tensor_t *first = nullptr, *second = nullptr;
  ASSERT_EQ(kiln_model_run(&affineModel, inputs, &first, nullptr, 0),
            KILN_STATUS_OK);
  ASSERT_EQ(kiln_model_run(&affineModel, inputs, &second, nullptr, 0),
            KILN_STATUS_OK);
  TensorPtr firstPtr(first), secondPtr(second);
  EXPECT_NE(first, second);
  EXPECT_EQ(valuesOf<float>(first), valuesOf<float>(second));
}

TEST(ModelRunTest, ZeroesOutputsBeforeTheModelWritesThem) {
  kiln_tensor_t *output = sentinel();
  ASSERT_EQ(kiln_model_run(&lazyModel, nullptr, &output, nullptr, 0),
            KILN_STATUS_OK);
  TensorPtr y(output);
  EXPECT_EQ(valuesOf<int32_t>(y.get()), (std::vector<int32_t>{0, 0, 0}));
}

TEST(ModelRunTest, RunsModelWithoutInputsOrOutputs) {
  static int runs = 0;
  kiln_model_info_t model = lazyModel;
  model.num_outputs = 0;
  model.outputs = nullptr;
  model.run_packed = [](void **buffers) {
    EXPECT_NE(buffers, nullptr);
    ++runs;
  };
  EXPECT_EQ(kiln_model_run(&model, nullptr, nullptr, nullptr, 0),
            KILN_STATUS_OK);
  EXPECT_EQ(runs, 1);
}

TEST(ModelRunTest, PassesAnAlignedScratchArenaAfterTheOutputs) {
  TensorPtr x = affineInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  kiln_tensor_t *outputs[1] = {sentinel()};
  char error[512] = "stale";
  int runsBefore = stagedRuns;
  stagedScratch = nullptr;
  ASSERT_EQ(kiln_model_run(&stagedModel, inputs, outputs, error, sizeof(error)),
            KILN_STATUS_OK)
      << error;
  TensorPtr y(outputs[0]);
  EXPECT_STREQ(error, "");
  EXPECT_EQ(stagedRuns, runsBefore + 1);
  EXPECT_EQ(valuesOf<float>(y.get()), stagedExpected);
  ASSERT_NE(stagedScratch, nullptr);
  EXPECT_TRUE(isAligned(stagedScratch, 64)) << stagedScratch;
  EXPECT_NE(stagedScratch, kiln_tensor_const_data(x.get()));
  EXPECT_NE(stagedScratch, kiln_tensor_const_data(y.get()));
}

TEST(ModelRunTest, AlignsScratchArenaAsTheModelAsks) {
  TensorPtr x = affineInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  kiln_model_info_t model = stagedModel;
  // From the alignment of the floats the model stores there up to a page,
  // with sizes below, between and above the alignments.
  for (uint64_t alignment : {4, 16, 64, 256, 4096})
    for (uint64_t bytes : {24, 100, 4097}) {
      SCOPED_TRACE("alignment " + std::to_string(alignment) + ", bytes " +
                   std::to_string(bytes));
      model.scratch_alignment = alignment;
      model.scratch_bytes = bytes;
      stagedScratch = nullptr;
      kiln_tensor_t *output = nullptr;
      ASSERT_EQ(kiln_model_run(&model, inputs, &output, nullptr, 0),
                KILN_STATUS_OK);
      TensorPtr y(output);
      EXPECT_EQ(valuesOf<float>(y.get()), stagedExpected);
      ASSERT_NE(stagedScratch, nullptr);
      EXPECT_TRUE(isAligned(stagedScratch, alignment)) << stagedScratch;
    }
}

TEST(ModelRunTest, ReportsScratchArenaThatCannotBeAllocated) {
  // Under ASan this needs allocator_may_return_null=1, which TensorTest.cpp
  // sets for this whole test binary.
  struct Case {
    uint64_t bytes;
    const char *message;
  };
  const Case cases[] = {
      {uint64_t{1} << 62, "model 'staged': cannot allocate "
                          "4611686018427387904 bytes of scratch memory "
                          "(aligned to 64)"},
      // Rounding it up to the alignment would overflow.
      {UINT64_MAX, "model 'staged': cannot allocate 18446744073709551615 "
                   "bytes of scratch memory (aligned to 64)"},
  };
  TensorPtr x = affineInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  for (const Case &c : cases) {
    SCOPED_TRACE(c.bytes);
    kiln_model_info_t model = stagedModel;
    model.scratch_bytes = c.bytes;
    kiln_tensor_t *outputs[1] = {sentinel()};
    char error[512] = "stale";
    int runsBefore = stagedRuns;
    EXPECT_EQ(kiln_model_run(&model, inputs, outputs, error, sizeof(error)),
              KILN_STATUS_OUT_OF_MEMORY);
    EXPECT_STREQ(error, c.message);
    EXPECT_EQ(outputs[0], nullptr);
    EXPECT_EQ(stagedRuns, runsBefore);
  }
}

TEST(ModelRunTest, RejectsBadInputClearingOutputsWithoutRunning) {
  TensorPtr features = makeTensor(KILN_DTYPE_F32, {2, 3});
  TensorPtr weights = makeTensor(KILN_DTYPE_I64, {3});
  const kiln_tensor_t *inputs[] = {features.get(), weights.get()};
  kiln_tensor_t *outputs[2] = {sentinel(), sentinel()};
  char error[512] = "stale";
  int runsBefore = classifyRuns;
  EXPECT_EQ(
      kiln_model_run(&classifyModel, inputs, outputs, error, sizeof(error)),
      KILN_STATUS_FAILED_PRECONDITION);
  EXPECT_STREQ(error, "input 'weights' expects f32 [3], got i64 [3]");
  EXPECT_EQ(outputs[0], nullptr);
  EXPECT_EQ(outputs[1], nullptr);
  EXPECT_EQ(classifyRuns, runsBefore);
}

TEST(ModelRunTest, RejectsModelOfAnotherAbiVersionAsIncompatible) {
  kiln_model_info_t model = affineModel;
  model.abi_version = 0;
  TensorPtr x = affineInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  // num_outputs of a struct from another version cannot be trusted, so the
  // output array is left alone.
  kiln_tensor_t *outputs[1] = {sentinel()};
  char error[512] = "stale";
  int runsBefore = affineRuns;
  EXPECT_EQ(kiln_model_run(&model, inputs, outputs, error, sizeof(error)),
            KILN_STATUS_INCOMPATIBLE);
  EXPECT_TRUE(startsWith(error, "model ABI version 0 is not supported"))
      << error;
  EXPECT_EQ(outputs[0], sentinel());
  EXPECT_EQ(affineRuns, runsBefore);
}

TEST(ModelRunTest, RejectsNullArguments) {
  TensorPtr x = affineInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  const kiln_tensor_t *nullInputs[] = {nullptr};
  kiln_tensor_t *outputs[1] = {sentinel()};
  char error[512] = "stale";
  int runsBefore = affineRuns;

  EXPECT_EQ(kiln_model_run(nullptr, inputs, outputs, error, sizeof(error)),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(error, "kiln_model_run: model is NULL");
  EXPECT_EQ(kiln_model_run(&affineModel, inputs, nullptr, error, sizeof(error)),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(error, "model 'affine': out_outputs is NULL");

  EXPECT_EQ(
      kiln_model_run(&affineModel, nullptr, outputs, error, sizeof(error)),
      KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(error, "model 'affine': inputs is NULL");
  EXPECT_EQ(outputs[0], nullptr);

  outputs[0] = sentinel();
  EXPECT_EQ(
      kiln_model_run(&affineModel, nullInputs, outputs, error, sizeof(error)),
      KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(error, "model 'affine': input 0 ('x') is NULL");
  EXPECT_EQ(outputs[0], nullptr);
  EXPECT_EQ(affineRuns, runsBefore);
}

TEST(ModelRunTest, RejectsMalformedModelInfoWithoutRunning) {
  const kiln_io_info_t badOutputs[] = {{"y", KILN_DTYPE_F32, 9, dims2x3}};
  kiln_model_info_t model = affineModel;
  model.outputs = badOutputs;
  TensorPtr x = affineInput();
  const kiln_tensor_t *inputs[] = {x.get()};
  kiln_tensor_t *outputs[1] = {nullptr};
  char error[512] = "stale";
  int runsBefore = affineRuns;
  EXPECT_EQ(kiln_model_run(&model, inputs, outputs, error, sizeof(error)),
            KILN_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(error,
               "model 'affine': output 0 ('y') has rank 9 (supported: 0 to 8)");
  EXPECT_EQ(affineRuns, runsBefore);
}

//===----------------------------------------------------------------------===//
// kiln_main
//===----------------------------------------------------------------------===//

struct MainResult {
  int exitCode;
  std::string out;
  std::string err;
};

/// Runs each test in a fresh current directory, where kiln_main writes its
/// default outputs, and removes it afterwards.
class ModelMainTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "kiln-model-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir = pattern;
    previousDir = fs::current_path();
    fs::current_path(dir);
  }

  void TearDown() override {
    std::error_code ignored;
    fs::current_path(previousDir, ignored);
    fs::remove_all(dir, ignored);
  }

  /// Calls kiln_main with argv {"./NAME", args...} and captures its output.
  static MainResult runMain(const kiln_model_info_t &model,
                            std::vector<std::string> args) {
    args.insert(args.begin(), std::string("./") + model.name);
    std::vector<char *> argv;
    for (std::string &arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    int exitCode =
        kiln_main(static_cast<int>(args.size()), argv.data(), &model);
    MainResult result;
    result.exitCode = exitCode;
    result.err = ::testing::internal::GetCapturedStderr();
    result.out = ::testing::internal::GetCapturedStdout();
    return result;
  }

  /// Runs kiln_main expecting exit status 1, nothing on stdout and one line
  /// on stderr; \returns that line without its newline.
  static std::string expectFails(const kiln_model_info_t &model,
                                 std::vector<std::string> args) {
    MainResult result = runMain(model, std::move(args));
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(result.out, "");
    EXPECT_FALSE(result.err.empty());
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1)
        << result.err;
    if (!result.err.empty() && result.err.back() == '\n')
      result.err.pop_back();
    return result.err;
  }

  static void writeNpy(const std::string &path, const kiln_tensor_t *tensor) {
    char error[512] = "";
    ASSERT_EQ(kiln_npy_write(path.c_str(), tensor, error, sizeof(error)),
              KILN_STATUS_OK)
        << error;
  }

  static TensorPtr readNpy(const std::string &path) {
    kiln_tensor_t *tensor = nullptr;
    char error[512] = "";
    EXPECT_EQ(kiln_npy_read(path.c_str(), &tensor, error, sizeof(error)),
              KILN_STATUS_OK)
        << error;
    return TensorPtr(tensor);
  }

  /// Writes the inputs of classify to features.npy and weights.npy.
  static void writeClassifyInputs() {
    writeNpy("features.npy",
             makeTensor(KILN_DTYPE_F32, {2, 3},
                        std::vector<float>{0.5f, -1, 2, 3, 0.25f, -4})
                 .get());
    writeNpy(
        "weights.npy",
        makeTensor(KILN_DTYPE_F32, {3}, std::vector<float>{1, 2, 0.5f}).get());
  }

  /// The names in the current directory, sorted.
  static std::vector<std::string> listDir() {
    std::vector<std::string> names;
    for (const fs::directory_entry &entry : fs::directory_iterator("."))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir;
  fs::path previousDir;
};

TEST_F(ModelMainTest, WritesOutputNamedAfterTheGraphAndPrintsSummary) {
  writeNpy("x.npy", affineInput().get());
  MainResult result = runMain(affineModel, {"x.npy"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.err, "");
  // [2, 3] is not a classifier's output: no argmax line.
  EXPECT_EQ(result.out, "y: f32 [2, 3] -> y.npy\n"
                        "  [2.5, 3, 6.25, 8.5, 9, 12.25]\n");
  TensorPtr y = readNpy("y.npy");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(dimsOf(y.get()), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(valuesOf<float>(y.get()), affineExpected);
  EXPECT_EQ(listDir(), (std::vector<std::string>{"x.npy", "y.npy"}));
}

TEST_F(ModelMainTest, WritesOutputsToTheOutputPathsInOrder) {
  writeClassifyInputs();
  fs::create_directory("out");
  MainResult result =
      runMain(classifyModel, {"features.npy", "-o", "out/s.npy", "weights.npy",
                              "-o", "out/l.npy"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out, "scores: f32 [1, 3] -> out/s.npy\n"
                        "  [3.5, -1.5, -1]\n"
                        "  argmax 0\n"
                        "labels: i64 [2] -> out/l.npy\n"
                        "  [2, 0]\n");
  TensorPtr scores = readNpy("out/s.npy");
  TensorPtr labels = readNpy("out/l.npy");
  ASSERT_NE(scores, nullptr);
  ASSERT_NE(labels, nullptr);
  EXPECT_EQ(valuesOf<float>(scores.get()),
            (std::vector<float>{3.5f, -1.5f, -1.0f}));
  EXPECT_EQ(kiln_tensor_dtype(labels.get()), KILN_DTYPE_I64);
  EXPECT_EQ(valuesOf<int64_t>(labels.get()), (std::vector<int64_t>{2, 0}));
}

TEST_F(ModelMainTest, WritesOutputsWithoutOutputPathNextToTheDefault) {
  writeClassifyInputs();
  MainResult result =
      runMain(classifyModel, {"-os.npy", "features.npy", "weights.npy"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(listDir(), (std::vector<std::string>{"features.npy", "labels.npy",
                                                 "s.npy", "weights.npy"}));
}

TEST_F(ModelMainTest, TakesArgumentsAfterDoubleDashAsInputs) {
  writeNpy("-x.npy", affineInput().get());
  MainResult result = runMain(affineModel, {"--", "-x.npy"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  TensorPtr y = readNpy("y.npy");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(valuesOf<float>(y.get()), affineExpected);
}

TEST_F(ModelMainTest, SummarisesEveryDtypeAndShapeCompactly) {
  MainResult result = runMain(constsModel, {});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out, "ramp: f32 [12] -> ramp.npy\n"
                        "  [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, ...]\n"
                        "  argmax 11\n"
                        "half: f16 [1, 3] -> half.npy\n"
                        "  [1, -2, 5.96046e-08]\n"
                        "  argmax 0\n"
                        "brain: bf16 [2] -> brain.npy\n"
                        "  [1.5, nan]\n"
                        "  argmax 1\n"
                        "flag: bool [] -> flag.npy\n"
                        "  [true]\n"
                        "empty: f32 [0] -> empty.npy\n"
                        "  []\n"
                        "special: f64 [2, 3] -> special.npy\n"
                        "  [-0, inf, -inf, nan, 0.333333, 1.23457e+08]\n"
                        "dense/BiasAdd:0: u8 [3] -> dense_BiasAdd_0.npy\n"
                        "  [0, 255, 7]\n");
  EXPECT_EQ(listDir(), (std::vector<std::string>{
                           "brain.npy", "dense_BiasAdd_0.npy", "empty.npy",
                           "flag.npy", "half.npy", "ramp.npy", "special.npy"}));
  TensorPtr flag = readNpy("flag.npy");
  ASSERT_NE(flag, nullptr);
  EXPECT_EQ(kiln_tensor_rank(flag.get()), 0u);
}

TEST_F(ModelMainTest, PrintsUsageListingInputsAndOutputs) {
  const char *usage =
      "usage: classify [-o OUT.npy]... [--threads N] IN.npy...\n"
      "\n"
      "Runs model 'classify' (compiled from classify.onnx) on .npy inputs and "
      "writes its outputs as .npy files.\n"
      "\n"
      "inputs, in order:\n"
      "  features: f32 [2, 3]\n"
      "  weights: f32 [3]\n"
      "outputs, in order, and where they go without -o:\n"
      "  scores: f32 [1, 3] -> scores.npy\n"
      "  labels: i64 [2] -> labels.npy\n"
      "\n"
      "options:\n"
      "  -o OUT.npy    write the next output to OUT.npy\n"
      "  --threads N   run large loops on N threads\n"
      "  -h, --help    print this help and exit\n"
      "  --            treat every later argument as an input\n";
  int runsBefore = classifyRuns;
  for (const char *flag : {"-h", "--help"}) {
    SCOPED_TRACE(flag);
    // Earlier arguments neither fail nor change the default paths shown.
    MainResult result =
        runMain(classifyModel, {"-o", "s.npy", "missing.npy", flag});
    EXPECT_EQ(result.exitCode, 0);
    EXPECT_EQ(result.err, "");
    EXPECT_EQ(result.out, usage);
  }
  EXPECT_EQ(classifyRuns, runsBefore);
  EXPECT_TRUE(listDir().empty());
}

TEST_F(ModelMainTest, PrintsUsageOfModelWithoutInputsOrSource) {
  MainResult result = runMain(lazyModel, {"--help"});
  EXPECT_EQ(result.exitCode, 0);
  EXPECT_EQ(result.out,
            "usage: lazy [-o OUT.npy]... [--threads N] IN.npy...\n"
            "\n"
            "Runs model 'lazy' on .npy inputs and writes its outputs as .npy "
            "files.\n"
            "\n"
            "inputs, in order:\n"
            "  (none)\n"
            "outputs, in order, and where they go without -o:\n"
            "  y: i32 [3] -> y.npy\n"
            "\n"
            "options:\n"
            "  -o OUT.npy    write the next output to OUT.npy\n"
            "  --threads N   run large loops on N threads\n"
            "  -h, --help    print this help and exit\n"
            "  --            treat every later argument as an input\n");
}

TEST_F(ModelMainTest, RunsModelWithScratch) {
  writeNpy("x.npy", affineInput().get());
  MainResult result = runMain(stagedModel, {"x.npy"});
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out, "y: f32 [2, 3] -> y.npy\n"
                        "  [3, 5, 7, 9, 11, 13]\n");
  EXPECT_TRUE(isAligned(stagedScratch, 64)) << stagedScratch;
  TensorPtr y = readNpy("y.npy");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(valuesOf<float>(y.get()), stagedExpected);
}

TEST_F(ModelMainTest, PrintsScratchSizeInUsage) {
  MainResult result = runMain(stagedModel, {"--help"});
  EXPECT_EQ(result.exitCode, 0);
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out,
            "usage: staged [-o OUT.npy]... [--threads N] IN.npy...\n"
            "\n"
            "Runs model 'staged' (compiled from staged.onnx) on .npy inputs "
            "and writes its outputs as .npy files.\n"
            "\n"
            "inputs, in order:\n"
            "  x: f32 [2, 3]\n"
            "outputs, in order, and where they go without -o:\n"
            "  y: f32 [2, 3] -> y.npy\n"
            "scratch: 24 bytes per call\n"
            "\n"
            "options:\n"
            "  -o OUT.npy    write the next output to OUT.npy\n"
            "  --threads N   run large loops on N threads\n"
            "  -h, --help    print this help and exit\n"
            "  --            treat every later argument as an input\n");
}

TEST_F(ModelMainTest, ReportsScratchArenaThatCannotBeAllocated) {
  writeNpy("x.npy", affineInput().get());
  kiln_model_info_t model = stagedModel;
  model.scratch_bytes = uint64_t{1} << 62;
  int runsBefore = stagedRuns;
  MainResult result = runMain(model, {"x.npy"});
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_EQ(result.out, "");
  // ASan warns about the failed allocation first, on stderr as well.
  if (startsWith(result.err, "=="))
    result.err.erase(0, result.err.find('\n') + 1);
  EXPECT_EQ(result.err, "model 'staged': cannot allocate 4611686018427387904 "
                        "bytes of scratch memory (aligned to 64)\n");
  EXPECT_EQ(stagedRuns, runsBefore);
  EXPECT_EQ(listDir(), (std::vector<std::string>{"x.npy"}));
}

TEST_F(ModelMainTest, ReportsMissingInputFile) {
  int runsBefore = affineRuns;
  EXPECT_EQ(expectFails(affineModel, {"nope.npy"}),
            "nope.npy: cannot open: No such file or directory");
  EXPECT_EQ(affineRuns, runsBefore);
  EXPECT_TRUE(listDir().empty());
}

TEST_F(ModelMainTest, ReportsCorruptInputFiles) {
  writeNpy("x.npy", affineInput().get());
  fs::resize_file("x.npy", fs::file_size("x.npy") - 4);
  EXPECT_EQ(expectFails(affineModel, {"x.npy"}),
            "x.npy: truncated data: expected 24 bytes for shape (2, 3) of "
            "'<f4', found 20");
  std::ofstream("text.npy") << "hello";
  EXPECT_EQ(expectFails(affineModel, {"text.npy"}),
            "text.npy: not a .npy file (it does not start with "
            "\"\\x93NUMPY\")");
  EXPECT_EQ(listDir(), (std::vector<std::string>{"text.npy", "x.npy"}));
}

TEST_F(ModelMainTest, ReportsInputOfWrongDtype) {
  writeNpy("x.npy", makeTensor(KILN_DTYPE_F64, {2, 3}).get());
  int runsBefore = affineRuns;
  EXPECT_EQ(expectFails(affineModel, {"x.npy"}),
            "x.npy: input 'x' expects f32 [2, 3], got f64 [2, 3]");
  EXPECT_EQ(affineRuns, runsBefore);
  EXPECT_EQ(listDir(), (std::vector<std::string>{"x.npy"}));
}

TEST_F(ModelMainTest, ReportsInputOfWrongShapeNamingTheFile) {
  writeClassifyInputs();
  writeNpy("w4.npy", makeTensor(KILN_DTYPE_F32, {4}).get());
  EXPECT_EQ(expectFails(classifyModel, {"features.npy", "w4.npy"}),
            "w4.npy: input 'weights' expects f32 [3], got f32 [4]");
  // Inputs are positional: swapping them is a shape error on the first.
  EXPECT_EQ(expectFails(classifyModel, {"weights.npy", "features.npy"}),
            "weights.npy: input 'features' expects f32 [2, 3], got f32 [3]");
}

TEST_F(ModelMainTest, ReportsWrongNumberOfInputsListingThem) {
  EXPECT_EQ(expectFails(affineModel, {"a.npy", "b.npy"}),
            "affine: expects 1 input (x: f32 [2, 3]), got 2");
  EXPECT_EQ(expectFails(affineModel, {}),
            "affine: expects 1 input (x: f32 [2, 3]), got 0");
  EXPECT_EQ(expectFails(classifyModel, {"a.npy"}),
            "classify: expects 2 inputs (features: f32 [2, 3], weights: f32 "
            "[3]), got 1");
  EXPECT_EQ(expectFails(constsModel, {"a.npy"}),
            "consts: expects no inputs, got 1");
}

TEST_F(ModelMainTest, ReportsMoreOutputPathsThanOutputs) {
  writeNpy("x.npy", affineInput().get());
  int runsBefore = affineRuns;
  EXPECT_EQ(expectFails(affineModel, {"-o", "a.npy", "-o", "b.npy", "x.npy"}),
            "affine: 2 output paths (-o) given, but the model has 1 output "
            "(y: f32 [2, 3])");
  EXPECT_EQ(affineRuns, runsBefore);
  EXPECT_EQ(listDir(), (std::vector<std::string>{"x.npy"}));
}

TEST_F(ModelMainTest, ReportsBadOptions) {
  EXPECT_EQ(expectFails(affineModel, {"x.npy", "-o"}),
            "affine: option '-o' needs a path");
  EXPECT_EQ(expectFails(affineModel, {"--verbose", "x.npy"}),
            "affine: unknown option '--verbose' (see --help)");
}

TEST_F(ModelMainTest, ReportsTwoOutputsWrittenToOnePath) {
  writeClassifyInputs();
  EXPECT_EQ(expectFails(classifyModel, {"-o", "same.npy", "-o", "same.npy",
                                        "features.npy", "weights.npy"}),
            "classify: outputs 'scores' and 'labels' would both be written to "
            "'same.npy'");
  EXPECT_EQ(expectFails(classifyModel,
                        {"-o", "labels.npy", "features.npy", "weights.npy"}),
            "classify: outputs 'scores' and 'labels' would both be written to "
            "'labels.npy'");
}

TEST_F(ModelMainTest, ReportsUnwritableOutputLeavingNoFileBehind) {
  writeNpy("x.npy", affineInput().get());
  std::string message =
      expectFails(affineModel, {"-o", "missing/y.npy", "x.npy"});
  EXPECT_TRUE(startsWith(message, "missing/y.npy: cannot create temporary "
                                  "file 'missing/y.npy.tmp."))
      << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos)
      << message;

  // A directory in the way fails at the rename, after the data was written.
  fs::create_directory("taken");
  message = expectFails(affineModel, {"-o", "taken", "x.npy"});
  EXPECT_TRUE(startsWith(message, "taken: cannot rename 'taken.tmp."))
      << message;
  EXPECT_EQ(listDir(), (std::vector<std::string>{"taken", "x.npy"}));
  EXPECT_TRUE(fs::is_empty("taken"));
}

TEST_F(ModelMainTest, KeepsOutputsWrittenBeforeAFailedOne) {
  writeClassifyInputs();
  std::string message =
      expectFails(classifyModel, {"-o", "s.npy", "-o", "missing/l.npy",
                                  "features.npy", "weights.npy"});
  EXPECT_TRUE(startsWith(message, "missing/l.npy: ")) << message;
  EXPECT_EQ(listDir(),
            (std::vector<std::string>{"features.npy", "s.npy", "weights.npy"}));
}

TEST_F(ModelMainTest, RejectsModelOfAnotherAbiVersionNamingTheProgram) {
  kiln_model_info_t model = affineModel;
  model.abi_version = 7;
  std::string name = "/opt/bin/affine";
  std::vector<char *> argv = {name.data(), nullptr};
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int exitCode = kiln_main(1, argv.data(), &model);
  std::string err = ::testing::internal::GetCapturedStderr();
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(exitCode, 1);
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "affine: model ABI version 7 is not supported by this "
                 "runtime (version 3); recompile the model with a matching "
                 "kiln\n");
}

TEST_F(ModelMainTest, SurvivesNullModelAndEmptyArgv) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(kiln_main(0, nullptr, nullptr), 1);
  EXPECT_EQ(kiln_main(0, nullptr, &affineModel), 1);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "kiln_main: model is NULL\n"
                 "affine: expects 1 input (x: f32 [2, 3]), got 0\n");
}

} // namespace

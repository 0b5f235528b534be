//===- Run.cpp - Run a model on .npy files and check its outputs ----------===//

#include "compiler/Run.h"

#include "kiln/npy.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <memory>

namespace kiln {
namespace {

struct TensorDeleter {
  void operator()(kiln_tensor_t *t) const { kiln_tensor_release(t); }
};
using Tensor = std::unique_ptr<kiln_tensor_t, TensorDeleter>;

/// Element \p i of \p t as a double (bool and integers exactly when small).
double elementAt(const kiln_tensor_t *t, size_t i) {
  const void *data = kiln_tensor_const_data(t);
  switch (kiln_tensor_dtype(t)) {
  case KILN_DTYPE_F32: return static_cast<const float *>(data)[i];
  case KILN_DTYPE_F64: return static_cast<const double *>(data)[i];
  case KILN_DTYPE_I8: return static_cast<const int8_t *>(data)[i];
  case KILN_DTYPE_I16: return static_cast<const int16_t *>(data)[i];
  case KILN_DTYPE_I32: return static_cast<const int32_t *>(data)[i];
  case KILN_DTYPE_I64: return static_cast<double>(static_cast<const int64_t *>(data)[i]);
  case KILN_DTYPE_U8: case KILN_DTYPE_BOOL: return static_cast<const uint8_t *>(data)[i];
  case KILN_DTYPE_U16: return static_cast<const uint16_t *>(data)[i];
  case KILN_DTYPE_U32: return static_cast<const uint32_t *>(data)[i];
  case KILN_DTYPE_U64: return static_cast<double>(static_cast<const uint64_t *>(data)[i]);
  case KILN_DTYPE_F16: {
    uint16_t h = static_cast<const uint16_t *>(data)[i];
    int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    double sign = (h & 0x8000) ? -1.0 : 1.0;
    if (exponent == 0)
      return sign * std::ldexp(mantissa, -24);
    if (exponent == 31)
      return mantissa ? NAN : sign * INFINITY;
    return sign * std::ldexp(mantissa + 1024, exponent - 25);
  }
  case KILN_DTYPE_BF16: {
    uint32_t bits = static_cast<uint32_t>(static_cast<const uint16_t *>(data)[i]) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  default: return NAN;
  }
}

std::string shapeText(const kiln_tensor_t *t) {
  std::string text = "[";
  for (size_t i = 0; i < kiln_tensor_rank(t); ++i)
    text += (i ? ", " : "") + std::to_string(kiln_tensor_dims(t)[i]);
  return text + "]";
}

} // namespace

int runAndCheck(const kiln_model_info_t &model, const RunFiles &files,
                llvm::raw_ostream &os, llvm::raw_ostream &errs) {
  char error[512];
  if (static_cast<int32_t>(files.inputs.size()) != model.num_inputs) {
    errs << fmt::format("kiln run: error: the model has {} input(s), {} given "
                        "with -i\n",
                        model.num_inputs, files.inputs.size());
    return 1;
  }
  if (static_cast<int32_t>(files.outputs.size()) > model.num_outputs ||
      static_cast<int32_t>(files.expects.size()) > model.num_outputs) {
    errs << fmt::format("kiln run: error: the model has {} output(s); more "
                        "-o or --expect files than that were given\n",
                        model.num_outputs);
    return 1;
  }
  std::vector<Tensor> inputs;
  std::vector<const kiln_tensor_t *> inputPtrs;
  for (const std::string &path : files.inputs) {
    kiln_tensor_t *t = nullptr;
    if (kiln_npy_read(path.c_str(), &t, error, sizeof error) != KILN_STATUS_OK) {
      errs << "kiln run: error: " << error << "\n";
      return 1;
    }
    inputs.emplace_back(t);
    inputPtrs.push_back(t);
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    if (kiln_model_check_input(&model, static_cast<int32_t>(i), inputs[i].get(),
                               error, sizeof error) != KILN_STATUS_OK) {
      errs << "kiln run: error: " << files.inputs[i] << ": " << error << "\n";
      return 1;
    }

  std::vector<kiln_tensor_t *> raw(model.num_outputs, nullptr);
  if (kiln_model_run(&model, inputPtrs.data(), raw.data(), error,
                     sizeof error) != KILN_STATUS_OK) {
    errs << "kiln run: error: " << error << "\n";
    return 1;
  }
  std::vector<Tensor> outputs;
  for (kiln_tensor_t *t : raw)
    outputs.emplace_back(t);

  int status = 0;
  for (size_t i = 0; i < files.outputs.size(); ++i)
    if (kiln_npy_write(files.outputs[i].c_str(), outputs[i].get(), error,
                       sizeof error) != KILN_STATUS_OK) {
      errs << "kiln run: error: " << error << "\n";
      status = 1;
    }

  for (size_t i = 0; i < files.expects.size(); ++i) {
    const char *name = model.outputs[i].name;
    kiln_tensor_t *raw = nullptr;
    if (kiln_npy_read(files.expects[i].c_str(), &raw, error, sizeof error) !=
        KILN_STATUS_OK) {
      errs << "kiln run: error: " << error << "\n";
      status = 1;
      continue;
    }
    Tensor want(raw);
    const kiln_tensor_t *got = outputs[i].get();
    if (kiln_tensor_dtype(want.get()) != kiln_tensor_dtype(got) ||
        shapeText(want.get()) != shapeText(got)) {
      os << fmt::format("{}: MISMATCH: got {} {}, expected {} {} ({})\n", name,
                        kiln_dtype_name(kiln_tensor_dtype(got)), shapeText(got),
                        kiln_dtype_name(kiln_tensor_dtype(want.get())),
                        shapeText(want.get()), files.expects[i]);
      status = 1;
      continue;
    }
    double maxAbs = 0, maxRel = 0;
    size_t bad = 0, firstBad = 0;
    size_t count = kiln_tensor_element_count(got);
    for (size_t k = 0; k < count; ++k) {
      double g = elementAt(got, k), w = elementAt(want.get(), k);
      if (std::isnan(g) && std::isnan(w))
        continue;
      double diff = std::fabs(g - w);
      if (std::isinf(g) && std::isinf(w) && (g > 0) == (w > 0))
        diff = 0;
      if (std::isnan(diff))
        diff = INFINITY;
      maxAbs = std::max(maxAbs, diff);
      if (w != 0)
        maxRel = std::max(maxRel, diff / std::fabs(w));
      if (!(diff <= files.atol + files.rtol * std::fabs(w))) {
        if (!bad++)
          firstBad = k;
      }
    }
    if (bad) {
      os << fmt::format("{}: MISMATCH: {} of {} elements outside atol {:g} + "
                        "rtol {:g}; max abs error {:.3g}, max rel error "
                        "{:.3g}; first at flat index {}: got {:g}, expected "
                        "{:g}\n",
                        name, bad, count, files.atol, files.rtol, maxAbs,
                        maxRel, firstBad, elementAt(got, firstBad),
                        elementAt(want.get(), firstBad));
      status = 1;
    } else {
      os << fmt::format("{}: ok: {} {}, max abs error {:.3g}, max rel error "
                        "{:.3g} (atol {:g}, rtol {:g})\n",
                        name, kiln_dtype_name(kiln_tensor_dtype(got)),
                        shapeText(got), maxAbs, maxRel, files.atol, files.rtol);
    }
  }
  return status;
}

} // namespace kiln

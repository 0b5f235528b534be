//===- CApi.cpp - The runtime's C API ---------------------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// The only file where C++ meets the C API: argument checks, clearing of
// output parameters, wrapping of C++ objects in the opaque C structs, and
// copying of messages into caller buffers. The logic lives in the kiln::rt
// files this includes.
//
//===----------------------------------------------------------------------===//

#include "kiln/model.h"
#include "kiln/npy.h"
#include "kiln/status.h"
#include "kiln/tensor.h"

#include "Model.h"
#include "Npy.h"
#include "Tensor.h"
#include "Weights.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>
#include <vector>

/// The opaque C handle is a thin box around the C++ tensor.
struct kiln_tensor_s {
  kiln::rt::Tensor tensor;
};

/// Likewise around the mapping, which unmaps and clears slots on delete.
struct kiln_weights_s {
  kiln::rt::WeightsMapping mapping;
};

namespace {
/// Copies \p message into the caller's \p error buffer, truncating it to fit.
void copyError(const std::string &message, char *error, size_t errorSize) {
  if (!error || errorSize == 0)
    return;
  size_t length = std::min(message.size(), errorSize - 1);
  std::memcpy(error, message.data(), length);
  error[length] = '\0';
}

/// Clears the caller's \p error buffer on entry, so that success leaves "".
void clearError(char *error, size_t errorSize) {
  if (error && errorSize > 0)
    error[0] = '\0';
}

/// The integer a C caller passed in an enum parameter. C allows any int there,
/// but C++ makes reading an enum outside its range undefined (UBSan's
/// -fsanitize=enum traps it), so the bytes are copied, never loaded as enum.
template <typename Enum>
int rawValue(const Enum &value) {
  static_assert(sizeof(Enum) == sizeof(int), "C enums are int-sized");
  int raw;
  std::memcpy(&raw, &value, sizeof(raw));
  return raw;
}

kiln_status_t failWith(kiln_status_t status, const std::string &message,
                       char *error, size_t errorSize) {
  copyError(message, error, errorSize);
  return status;
}
} // namespace

//===----------------------------------------------------------------------===//
// status.h
//===----------------------------------------------------------------------===//

const char *kiln_status_name(kiln_status_t status) {
  switch (rawValue(status)) {
  case KILN_STATUS_OK:
    return "OK";
  case KILN_STATUS_INVALID_ARGUMENT:
    return "INVALID_ARGUMENT";
  case KILN_STATUS_NOT_FOUND:
    return "NOT_FOUND";
  case KILN_STATUS_OUT_OF_MEMORY:
    return "OUT_OF_MEMORY";
  case KILN_STATUS_FAILED_PRECONDITION:
    return "FAILED_PRECONDITION";
  case KILN_STATUS_INCOMPATIBLE:
    return "INCOMPATIBLE";
  case KILN_STATUS_INTERNAL:
    return "INTERNAL";
  case KILN_STATUS_IO_ERROR:
    return "IO_ERROR";
  case KILN_STATUS_DATA_LOSS:
    return "DATA_LOSS";
  }
  return "UNKNOWN";
}

//===----------------------------------------------------------------------===//
// tensor.h
//===----------------------------------------------------------------------===//

size_t kiln_dtype_size(kiln_dtype_t dtype) {
  return kiln::rt::getDtypeSize(rawValue(dtype));
}

const char *kiln_dtype_name(kiln_dtype_t dtype) {
  const char *name = kiln::rt::getDtypeName(rawValue(dtype));
  return name ? name : "unknown";
}

kiln_status_t kiln_tensor_create(kiln_dtype_t dtype, size_t rank,
                                 const int64_t *dims,
                                 kiln_tensor_t **out_tensor) {
  if (!out_tensor)
    return KILN_STATUS_INVALID_ARGUMENT;
  *out_tensor = nullptr;
  if (kiln::rt::getDtypeSize(rawValue(dtype)) == 0)
    return KILN_STATUS_INVALID_ARGUMENT;
  kiln::rt::Tensor tensor;
  if (kiln_status_t status = kiln::rt::Tensor::create(
          dtype, rank, dims, /*zeroData=*/true, tensor);
      status != KILN_STATUS_OK)
    return status;
  auto *handle = new (std::nothrow) kiln_tensor_t{std::move(tensor)};
  if (!handle)
    return KILN_STATUS_OUT_OF_MEMORY;
  *out_tensor = handle;
  return KILN_STATUS_OK;
}

void kiln_tensor_release(kiln_tensor_t *tensor) { delete tensor; }

kiln_dtype_t kiln_tensor_dtype(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.getDtype() : kiln_dtype_t();
}

size_t kiln_tensor_rank(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.getRank() : 0;
}

const int64_t *kiln_tensor_dims(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.getDims() : nullptr;
}

void *kiln_tensor_data(kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.getData() : nullptr;
}

const void *kiln_tensor_const_data(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.getData() : nullptr;
}

size_t kiln_tensor_byte_size(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.getByteSize() : 0;
}

size_t kiln_tensor_element_count(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.getElementCount() : 0;
}

//===----------------------------------------------------------------------===//
// npy.h
//===----------------------------------------------------------------------===//

kiln_status_t kiln_npy_read(const char *path, kiln_tensor_t **out_tensor,
                            char *error, size_t error_size) {
  clearError(error, error_size);
  if (out_tensor)
    *out_tensor = nullptr;
  if (!path)
    return failWith(KILN_STATUS_INVALID_ARGUMENT, "kiln_npy_read: path is NULL",
                    error, error_size);
  if (!out_tensor)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    std::string(path) + ": out_tensor is NULL", error,
                    error_size);

  kiln::rt::Tensor tensor;
  std::string message;
  if (kiln_status_t status = kiln::rt::readNpy(path, tensor, message);
      status != KILN_STATUS_OK)
    return failWith(status, message, error, error_size);
  auto *handle = new (std::nothrow) kiln_tensor_t{std::move(tensor)};
  if (!handle)
    return failWith(KILN_STATUS_OUT_OF_MEMORY,
                    std::string(path) + ": cannot allocate the tensor", error,
                    error_size);
  *out_tensor = handle;
  return KILN_STATUS_OK;
}

kiln_status_t kiln_npy_write(const char *path, const kiln_tensor_t *tensor,
                             char *error, size_t error_size) {
  clearError(error, error_size);
  if (!path)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    "kiln_npy_write: path is NULL", error, error_size);
  if (!tensor)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    std::string(path) + ": tensor is NULL", error, error_size);

  std::string message;
  if (kiln_status_t status = kiln::rt::writeNpy(path, tensor->tensor, message);
      status != KILN_STATUS_OK)
    return failWith(status, message, error, error_size);
  return KILN_STATUS_OK;
}

//===----------------------------------------------------------------------===//
// model.h
//===----------------------------------------------------------------------===//

kiln_status_t kiln_model_check_input(const kiln_model_info_t *model,
                                     int32_t index, const kiln_tensor_t *tensor,
                                     char *error, size_t error_size) {
  clearError(error, error_size);
  if (!model)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    "kiln_model_check_input: model is NULL", error, error_size);
  if (!tensor)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    "kiln_model_check_input: tensor is NULL", error,
                    error_size);
  std::string message;
  if (kiln_status_t status = kiln::rt::validateModel(*model, message);
      status != KILN_STATUS_OK)
    return failWith(status, message, error, error_size);
  if (index < 0 || index >= model->num_inputs)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    "model '" + std::string(model->name) + "': input index " +
                        std::to_string(index) + " is out of range [0, " +
                        std::to_string(model->num_inputs) + ")",
                    error, error_size);
  if (kiln_status_t status =
          kiln::rt::checkInput(*model, index, tensor->tensor, message);
      status != KILN_STATUS_OK)
    return failWith(status, message, error, error_size);
  return KILN_STATUS_OK;
}

kiln_status_t kiln_model_run(const kiln_model_info_t *model,
                             const kiln_tensor_t *const *inputs,
                             kiln_tensor_t **out_outputs, char *error,
                             size_t error_size) {
  clearError(error, error_size);
  if (!model)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    "kiln_model_run: model is NULL", error, error_size);
  std::string message;
  if (kiln_status_t status = kiln::rt::validateModel(*model, message);
      status != KILN_STATUS_OK)
    return failWith(status, message, error, error_size);
  std::string subject = "model '" + std::string(model->name) + "': ";
  auto numOutputs = static_cast<size_t>(model->num_outputs);
  if (numOutputs > 0 && !out_outputs)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    subject + "out_outputs is NULL", error, error_size);
  std::fill(out_outputs, out_outputs + numOutputs, nullptr);

  if (model->num_inputs > 0 && !inputs)
    return failWith(KILN_STATUS_INVALID_ARGUMENT, subject + "inputs is NULL",
                    error, error_size);
  std::vector<const kiln::rt::Tensor *> inputTensors;
  for (int32_t i = 0; i < model->num_inputs; ++i) {
    if (!inputs[i])
      return failWith(KILN_STATUS_INVALID_ARGUMENT,
                      subject + "input " + std::to_string(i) + " ('" +
                          model->inputs[i].name + "') is NULL",
                      error, error_size);
    inputTensors.push_back(&inputs[i]->tensor);
  }

  std::vector<kiln::rt::Tensor> outputs;
  if (kiln_status_t status =
          kiln::rt::runModel(*model, inputTensors.data(), outputs, message);
      status != KILN_STATUS_OK)
    return failWith(status, message, error, error_size);
  // Box every output before publishing any, so that failure sets none.
  std::vector<kiln_tensor_t *> handles;
  for (kiln::rt::Tensor &output : outputs) {
    auto *handle = new (std::nothrow) kiln_tensor_t{std::move(output)};
    if (!handle) {
      for (kiln_tensor_t *created : handles)
        kiln_tensor_release(created);
      return failWith(KILN_STATUS_OUT_OF_MEMORY,
                      subject + "cannot allocate the output tensors", error,
                      error_size);
    }
    handles.push_back(handle);
  }
  std::copy(handles.begin(), handles.end(), out_outputs);
  return KILN_STATUS_OK;
}

kiln_status_t kiln_weights_map(const kiln_model_info_t *model, const char *path,
                               kiln_weights_t **out_weights, char *error,
                               size_t error_size) {
  clearError(error, error_size);
  if (out_weights)
    *out_weights = nullptr;
  if (!model)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    "kiln_weights_map: model is NULL", error, error_size);
  if (!path)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    "kiln_weights_map: path is NULL", error, error_size);
  if (!out_weights)
    return failWith(KILN_STATUS_INVALID_ARGUMENT,
                    std::string(path) + ": out_weights is NULL", error,
                    error_size);
  std::string message;
  if (kiln_status_t status = kiln::rt::validateModel(*model, message);
      status != KILN_STATUS_OK)
    return failWith(status, message, error, error_size);

  // Allocated first: once the slots are set, nothing may fail.
  auto *handle = new (std::nothrow) kiln_weights_t();
  if (!handle)
    return failWith(KILN_STATUS_OUT_OF_MEMORY,
                    std::string(path) + ": cannot allocate the mapping", error,
                    error_size);
  if (kiln_status_t status =
          kiln::rt::WeightsMapping::map(*model, path, handle->mapping, message);
      status != KILN_STATUS_OK) {
    delete handle;
    return failWith(status, message, error, error_size);
  }
  *out_weights = handle;
  return KILN_STATUS_OK;
}

void kiln_weights_release(kiln_weights_t *weights) { delete weights; }

int kiln_main(int argc, char **argv, const kiln_model_info_t *model) {
  return kiln::rt::runMain(argc, argv, model);
}

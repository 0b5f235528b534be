//===- Model.h - Calling compiled models ------------------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// The implementation behind kiln/model.h, whose header documents the ABI and
// the meaning of each status: validation of a kiln_model_info_t, input
// checks, calls through run_packed, and the command line of compiled
// executables. Messages go to a std::string; the C shim copies them into the
// caller's buffer.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_SRC_MODEL_H
#define KILN_RUNTIME_SRC_MODEL_H

#include "kiln/model.h"

#include "Tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::rt {

/// Checks that \p model is a struct this runtime can use: the current ABI
/// version (KILN_STATUS_INCOMPATIBLE otherwise), then non-null names and
/// pointers, valid dtypes, ranks and dims, weights with a slot, an aligned
/// offset and a place in the data region, and a scratch_alignment that is a
/// power of two up to 4096 when there is scratch
/// (KILN_STATUS_INVALID_ARGUMENT). Every other function here, and
/// WeightsMapping::map, requires a model that passed this check.
kiln_status_t validateModel(const kiln_model_info_t &model, std::string &error);

/// "f32 [1, 1, 28, 28]": the dtype and shape of \p io.
std::string formatIoType(const kiln_io_info_t &io);

/// Checks \p tensor against input \p index (in range) of \p model.
/// \returns KILN_STATUS_FAILED_PRECONDITION with "input 'x' expects f32
/// [2, 3], got f64 [2, 3]" in \p error on a mismatch.
kiln_status_t checkInput(const kiln_model_info_t &model, int32_t index,
                         const Tensor &tensor, std::string &error);

/// Checks that the weights of \p model are mapped
/// (KILN_STATUS_FAILED_PRECONDITION otherwise) and \p inputs (num_inputs
/// non-null tensors), allocates the outputs and the scratch arena, runs
/// \p model, frees the arena and moves the outputs into \p outputs, which is
/// left unchanged on failure.
kiln_status_t runModel(const kiln_model_info_t &model,
                       const Tensor *const *inputs,
                       std::vector<Tensor> &outputs, std::string &error);

/// kiln_main() for a \p model that may be NULL or malformed.
int runMain(int argc, char **argv, const kiln_model_info_t *model);

} // namespace kiln::rt

#endif // KILN_RUNTIME_SRC_MODEL_H

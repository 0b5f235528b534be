//===- Weights.h - Memory-mapped weights files ------------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// The implementation behind kiln_weights_map/kiln_weights_release, whose
// header (kiln/model.h) documents the file format and the meaning of each
// status. A model compiled with external weights reads each weight through a
// pointer slot in its object; a WeightsMapping points those slots into a
// validated, read-only mapping of the file and clears them again when it
// goes away. Messages go to a std::string; the C shim copies them into the
// caller's buffer.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_SRC_WEIGHTS_H
#define KILN_RUNTIME_SRC_WEIGHTS_H

#include "kiln/model.h"
#include "kiln/status.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::rt {

/// Every weight starts at a multiple of this in the data region, which
/// itself starts at a multiple of it in the file (KILN_WEIGHTS_HEADER_BYTES),
/// so that a mapped weight is as aligned as a tensor of the runtime.
constexpr uint64_t weightAlignment = 64;

/// FNV-1a 64 of \p data[0..size), continuing from \p hash (the offset basis
/// by default); the checksum of a weights file's data region.
uint64_t computeFnv1a64(const void *data, size_t size,
                        uint64_t hash = 14695981039346656037ull);

/// A read-only mapping of a weights file that keeps a model's weight slots
/// pointing into it. Move-only; destroying it unmaps the file and clears
/// every slot that still points into it (slots replaced by a later mapping
/// are left alone).
///
/// Slots are plain pointers read by generated code without synchronisation:
/// mapping and releasing must not overlap a run of the same model.
class WeightsMapping {
public:
  WeightsMapping() = default;
  WeightsMapping(WeightsMapping &&other) noexcept;
  WeightsMapping &operator=(WeightsMapping &&other) noexcept;
  WeightsMapping(const WeightsMapping &) = delete;
  WeightsMapping &operator=(const WeightsMapping &) = delete;
  ~WeightsMapping() { reset(); }

  /// Maps the weights file at \p path for \p model, which must have passed
  /// validateModel(), checks it against \p model and points every slot of
  /// \p model into it; the previous mapping held by \p out, if any, is then
  /// released. On failure \p out and the slots are unchanged and \p error
  /// holds a message that starts with \p path (or with the model, for a
  /// model without weights).
  static kiln_status_t map(const kiln_model_info_t &model, const char *path,
                           WeightsMapping &out, std::string &error);

  /// Clears the slots that still point into the mapping and unmaps it;
  /// leaves an empty mapping.
  void reset();

private:
  /// The start of the mapping: the file's header, then its data region.
  const unsigned char *base = nullptr;
  size_t size = 0;
  /// The slots this mapping set.
  std::vector<void **> slots;
};

} // namespace kiln::rt

#endif // KILN_RUNTIME_SRC_WEIGHTS_H

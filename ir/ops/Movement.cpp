//===- Movement.cpp - Folders of the data-movement ops --------------------===//
//
// Constant folding of kiln.concat, kiln.slice, kiln.expand and
// kiln.transpose. The ONNX importer folds every op whose operands are all
// constants right after creating it, so these folders are what turn
// exporter shape arithmetic (Shape -> Gather -> Unsqueeze -> Concat ->
// Reshape) into compile-time shapes; they work on any element type.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace mlir;

namespace kiln {
namespace {

/// Larger results are left to run time: folding copies every element into
/// the IR, which pays for shape vectors, not for weights.
constexpr int64_t kMaxFoldElements = 1 << 16;

/// Where result element `index` comes from: an input number and the
/// element's linear (row-major) index in that input.
using SourceFn =
    function_ref<std::pair<unsigned, int64_t>(ArrayRef<int64_t> index)>;

/// \returns the constant of \p type whose elements are picked from
/// \p inputs by \p source, or null when an input is not a
/// DenseElementsAttr or the result is too large to fold.
DenseElementsAttr gatherConstant(RankedTensorType type,
                                 ArrayRef<Attribute> inputs,
                                 SourceFn source) {
  if (type.getNumElements() > kMaxFoldElements)
    return nullptr;
  SmallVector<SmallVector<Attribute>> values;
  for (Attribute input : inputs) {
    auto dense = dyn_cast_or_null<DenseElementsAttr>(input);
    if (!dense)
      return nullptr;
    values.emplace_back(dense.getValues<Attribute>().begin(),
                        dense.getValues<Attribute>().end());
  }
  SmallVector<Attribute> result;
  result.reserve(type.getNumElements());
  SmallVector<int64_t> index(type.getRank(), 0);
  for (int64_t n = 0; n < type.getNumElements(); ++n) {
    auto [which, at] = source(index);
    result.push_back(values[which][at]);
    // Row-major increment of the multi-index.
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      if (++index[d] < type.getDimSize(d))
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, result);
}

/// \returns the row-major linear index of \p index in \p shape.
int64_t linearize(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t linear = 0;
  for (auto [i, d] : llvm::zip(index, shape))
    linear = linear * d + i;
  return linear;
}

} // namespace

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  auto type = cast<RankedTensorType>(getType());
  int64_t axis = getAxis();
  SmallVector<int64_t> offsets; // Start of each input along the axis.
  int64_t offset = 0;
  for (Value input : getInputs()) {
    offsets.push_back(offset);
    offset += cast<RankedTensorType>(input.getType()).getDimSize(axis);
  }
  return gatherConstant(
      type, adaptor.getInputs(), [&](ArrayRef<int64_t> index) {
        unsigned which =
            std::upper_bound(offsets.begin(), offsets.end(), index[axis]) -
            offsets.begin() - 1;
        // The last input starting at or before the index: an empty input
        // shares its offset with the next one, which comes later.
        SmallVector<int64_t> inner(index);
        inner[axis] -= offsets[which];
        return std::make_pair(
            which,
            linearize(inner, cast<RankedTensorType>(
                                 getInputs()[which].getType())
                                 .getShape()));
      });
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto inputType = cast<RankedTensorType>(getInput().getType());
  if (inputType == getType() &&
      llvm::all_of(getStarts(), [](int64_t s) { return s == 0; }) &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getInput();
  ArrayRef<int64_t> starts = getStarts(), steps = getSteps();
  return gatherConstant(cast<RankedTensorType>(getType()), adaptor.getInput(),
                        [&](ArrayRef<int64_t> index) {
                          SmallVector<int64_t> in;
                          for (auto [i, s, st] :
                               llvm::zip(index, starts, steps))
                            in.push_back(s + i * st);
                          return std::make_pair(
                              0u, linearize(in, inputType.getShape()));
                        });
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  auto inputType = cast<RankedTensorType>(getInput().getType());
  auto type = cast<RankedTensorType>(getType());
  if (inputType == type)
    return getInput();
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput()))
    return SplatElementsAttr::get(type, splat.getSplatValue<Attribute>());
  int64_t offset = type.getRank() - inputType.getRank();
  return gatherConstant(type, adaptor.getInput(), [&](ArrayRef<int64_t> index) {
    SmallVector<int64_t> in;
    for (int64_t d = 0; d < inputType.getRank(); ++d)
      in.push_back(inputType.getDimSize(d) == 1 ? 0 : index[offset + d]);
    return std::make_pair(0u, linearize(in, inputType.getShape()));
  });
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  bool identity = true;
  for (auto [i, p] : llvm::enumerate(perm))
    identity &= static_cast<int64_t>(i) == p;
  if (identity)
    return getInput();
  auto inputType = cast<RankedTensorType>(getInput().getType());
  return gatherConstant(cast<RankedTensorType>(getType()), adaptor.getInput(),
                        [&](ArrayRef<int64_t> index) {
                          SmallVector<int64_t> in(index.size());
                          for (auto [i, p] : llvm::enumerate(perm))
                            in[p] = index[i];
                          return std::make_pair(
                              0u, linearize(in, inputType.getShape()));
                        });
}

} // namespace kiln

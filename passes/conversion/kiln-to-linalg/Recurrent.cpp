//===- Recurrent.cpp - kiln RNN, LSTM, GRU to linalg/tensor ---------------===//
//
// A recurrent layer becomes, per direction, one input projection for all
// steps (`X W^T + biases` as one linalg.matmul_transpose_b seeded with the
// biases) and an scf.for over the steps. The loop carries the state
// tensors (Y_h, Y_c, Y: the op's results, updated through slices) and the
// scratch of the recurrent product `H R^T`, so every tensor in the body is a
// slice of a loop-carried value written in destination-passing style:
// one-shot bufferization makes the whole loop in place, with no allocation
// inside it (kiln-plan-memory plans entry-block allocations only).
//
// Per step the body is `fill + matmul_transpose_b` for `H R^T` and one
// elementwise generic for the gates and the state update (GRU without
// linear_before_reset needs a second product, of `r * H`, in between).
// With sequence_lens, a batch entry whose length the step reaches keeps its
// state and gets a zero Y row (`select` in the gate generic).
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "ir/ops/RecurrentActivations.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace kiln::lowering {
namespace {

enum class LayerKind { Rnn, Lstm, Gru };

/// One activation function with its parameters.
struct Activation {
  RecurrentActivation kind;
  double alpha, beta;
};

/// Everything the lowering needs from kiln.rnn/lstm/gru.
struct Layer {
  LayerKind kind;
  Value x, w, r, bias, seqLens, initialH, initialC, peepholes;
  int64_t hidden, gates, dirs, layout;
  bool reverse; // A single reverse direction.
  SmallVector<Activation> activations;
  std::optional<double> clip;
  bool inputForget = false, linearBeforeReset = false;
  bool needY;
};

/// \returns the activations of one direction, \p perDirection of them.
ArrayRef<Activation> activationsOf(const Layer &layer, int64_t dir,
                                   int64_t perDirection) {
  return ArrayRef(layer.activations).slice(dir * perDirection, perDirection);
}

Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  return scalarConstant(b, loc, like.getType(), value);
}

/// Applies \p act to the scalar \p x.
Value applyActivation(OpBuilder &b, Location loc, const Activation &act,
                      Value x) {
  auto c = [&](double v) { return constantLike(b, loc, x, v); };
  switch (act.kind) {
  case RecurrentActivation::Relu:
    return b.create<arith::MaximumFOp>(loc, x, c(0.0));
  case RecurrentActivation::Tanh:
    return b.create<math::TanhOp>(loc, x);
  case RecurrentActivation::Sigmoid: {
    Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, x));
    return b.create<arith::DivFOp>(loc, c(1.0),
                                   b.create<arith::AddFOp>(loc, c(1.0), e));
  }
  case RecurrentActivation::Affine:
    return b.create<arith::AddFOp>(
        loc, b.create<arith::MulFOp>(loc, x, c(act.alpha)), c(act.beta));
  case RecurrentActivation::LeakyRelu: {
    Value neg = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x,
                                        c(0.0));
    return b.create<arith::SelectOp>(
        loc, neg, b.create<arith::MulFOp>(loc, x, c(act.alpha)), x);
  }
  case RecurrentActivation::ThresholdedRelu: {
    Value above = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x,
                                          c(act.alpha));
    return b.create<arith::SelectOp>(loc, above, x, c(0.0));
  }
  case RecurrentActivation::ScaledTanh:
    return b.create<arith::MulFOp>(
        loc, c(act.alpha),
        b.create<math::TanhOp>(loc,
                               b.create<arith::MulFOp>(loc, x, c(act.beta))));
  case RecurrentActivation::HardSigmoid: {
    Value y = b.create<arith::AddFOp>(
        loc, b.create<arith::MulFOp>(loc, x, c(act.alpha)), c(act.beta));
    return b.create<arith::MinimumFOp>(
        loc, b.create<arith::MaximumFOp>(loc, y, c(0.0)), c(1.0));
  }
  case RecurrentActivation::Elu: {
    Value neg = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x,
                                        c(0.0));
    Value em1 = b.create<arith::SubFOp>(loc, b.create<math::ExpOp>(loc, x),
                                        c(1.0));
    return b.create<arith::SelectOp>(
        loc, neg, b.create<arith::MulFOp>(loc, em1, c(act.alpha)), x);
  }
  case RecurrentActivation::Softsign:
    return b.create<arith::DivFOp>(
        loc, x,
        b.create<arith::AddFOp>(loc, c(1.0), b.create<math::AbsFOp>(loc, x)));
  case RecurrentActivation::Softplus:
    return b.create<math::LogOp>(
        loc, b.create<arith::AddFOp>(loc, c(1.0), b.create<math::ExpOp>(loc, x)));
  }
  llvm_unreachable("unknown activation");
}

/// Builds the per-step update of one layer kind. The body of each loop is
/// emitted by a Step; the surrounding loop and slicing are shared.
class RecurrentBuilder {
public:
  RecurrentBuilder(OpBuilder &b, Location loc, const Layer &layer)
      : b(b), loc(loc), layer(layer) {
    auto xType = cast<RankedTensorType>(layer.x.getType());
    element = xType.getElementType();
    seq = xType.getDimSize(layer.layout == 0 ? 0 : 1);
    batch = xType.getDimSize(layer.layout == 0 ? 1 : 0);
    features = xType.getDimSize(2);
  }

  /// \returns Y, Y_h and (LSTM) Y_c.
  SmallVector<Value> build(ArrayRef<Type> resultTypes) {
    auto stateType = cast<RankedTensorType>(resultTypes[1]);
    auto yType = cast<RankedTensorType>(resultTypes[0]);
    // Loop-carried values: Y_h, (Y_c), (Y).
    SmallVector<Value> carried;
    carried.push_back(initialState(layer.initialH, stateType));
    if (layer.kind == LayerKind::Lstm)
      carried.push_back(initialState(layer.initialC, stateType));
    // Every element of Y is written at its step, so it needs no fill.
    Value y = emptyTensor(b, loc, yType);
    if (layer.needY)
      carried.push_back(y);
    for (int64_t d = 0; d < layer.dirs; ++d)
      carried = buildDirection(d, carried);
    SmallVector<Value> results = {layer.needY ? carried.back() : y,
                                  carried[0]};
    if (layer.kind == LayerKind::Lstm)
      results.push_back(carried[1]);
    return results;
  }

private:
  OpBuilder &b;
  Location loc;
  const Layer &layer;
  Type element;
  int64_t seq, batch, features;

  RankedTensorType tensorType(ArrayRef<int64_t> shape) const {
    return RankedTensorType::get(shape, element);
  }

  Value initialState(Value given, RankedTensorType type) {
    return given ? given : filledTensor(b, loc, type, 0.0);
  }

  /// `[rows, cols]` slice of a rank-3 \p source at `[index, rowOffset, 0]`.
  Value matrixOf(Value source, int64_t index, int64_t rowOffset, int64_t rows) {
    auto type = cast<RankedTensorType>(source.getType());
    int64_t cols = type.getDimSize(2);
    return b.create<tensor::ExtractSliceOp>(
        loc, tensorType({rows, cols}), source,
        ArrayRef<OpFoldResult>{b.getIndexAttr(index), b.getIndexAttr(rowOffset),
                               b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(rows),
                               b.getIndexAttr(cols)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                               b.getIndexAttr(1)});
  }

  /// `[length]` slice of the rank-2 \p source at `[index, offset]`.
  Value vectorOf(OpBuilder &nb, Value source, int64_t index, int64_t offset,
                 int64_t length) {
    return nb.create<tensor::ExtractSliceOp>(
        loc, tensorType({length}), source,
        ArrayRef<OpFoldResult>{nb.getIndexAttr(index), nb.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{nb.getIndexAttr(1), nb.getIndexAttr(length)},
        ArrayRef<OpFoldResult>{nb.getIndexAttr(1), nb.getIndexAttr(1)});
  }

  /// Offsets and sizes of the `[N, width]` slice of a state-like tensor
  /// (`[D, N, width]` or `[N, D, width]`) for direction \p d, or of Y
  /// (`[S, D, N, H]` or `[N, S, D, H]`) at step \p t when \p t is set.
  void stateSlice(OpBuilder &nb, int64_t d, Value t, int64_t width,
                  SmallVectorImpl<OpFoldResult> &offsets,
                  SmallVectorImpl<OpFoldResult> &sizes,
                  SmallVectorImpl<OpFoldResult> &strides) {
    OpFoldResult zero = nb.getIndexAttr(0), one = nb.getIndexAttr(1);
    OpFoldResult dir = nb.getIndexAttr(d);
    OpFoldResult n = nb.getIndexAttr(batch), w = nb.getIndexAttr(width);
    if (!t) {
      if (layer.layout == 0) {
        offsets.assign({dir, zero, zero});
        sizes.assign({one, n, w});
      } else {
        offsets.assign({zero, dir, zero});
        sizes.assign({n, one, w});
      }
    } else if (layer.layout == 0) {
      offsets.assign({t, dir, zero, zero});
      sizes.assign({one, one, n, w});
    } else {
      offsets.assign({zero, t, dir, zero});
      sizes.assign({n, one, one, w});
    }
    strides.assign(offsets.size(), one);
  }

  Value extractState(OpBuilder &nb, Value source, int64_t d, Value t) {
    SmallVector<OpFoldResult> offsets, sizes, strides;
    stateSlice(nb, d, t, layer.hidden, offsets, sizes, strides);
    return nb.create<tensor::ExtractSliceOp>(
        loc, tensorType({batch, layer.hidden}), source, offsets, sizes,
        strides);
  }

  Value insertState(OpBuilder &nb, Value slice, Value dest, int64_t d,
                    Value t) {
    SmallVector<OpFoldResult> offsets, sizes, strides;
    stateSlice(nb, d, t, layer.hidden, offsets, sizes, strides);
    return nb.create<tensor::InsertSliceOp>(loc, slice, dest, offsets, sizes,
                                            strides);
  }

  /// `X W_d^T + biases` for all steps: `[S, N, G*H]` (`[N, S, G*H]` for
  /// layout 1). The biases seed the matmul; GRU with linear_before_reset
  /// leaves out `Rbh`, which the reset gate scales.
  Value inputProjection(int64_t d) {
    int64_t width = layer.gates * layer.hidden;
    int64_t rows = seq * batch;
    auto flatType = tensorType({rows, width});
    Value init;
    if (layer.bias) {
      Value wb = vectorOf(b, layer.bias, d, 0, width);
      Value rb = vectorOf(b, layer.bias, d, width, width);
      int64_t rbEnd = layer.kind == LayerKind::Gru && layer.linearBeforeReset
                          ? 2 * layer.hidden
                          : width;
      AffineMap columns = AffineMap::get(2, 0, b.getAffineDimExpr(1),
                                         b.getContext());
      SmallVector<AffineMap> maps = {columns, columns,
                                     b.getMultiDimIdentityMap(2)};
      SmallVector<utils::IteratorType> iterators(2,
                                                 utils::IteratorType::parallel);
      init = b.create<linalg::GenericOp>(
                  loc, flatType, ValueRange{wb, rb},
                  emptyTensor(b, loc, flatType), maps, iterators,
                  [&](OpBuilder &nb, Location l, ValueRange args) {
                    Value sum = nb.create<arith::AddFOp>(l, args[0], args[1]);
                    if (rbEnd != width) {
                      Value j = nb.create<linalg::IndexOp>(l, 1);
                      Value inR = nb.create<arith::CmpIOp>(
                          l, arith::CmpIPredicate::ult, j,
                          nb.create<arith::ConstantIndexOp>(l, rbEnd));
                      sum = nb.create<arith::SelectOp>(l, inR, sum, args[0]);
                    }
                    nb.create<linalg::YieldOp>(l, sum);
                  })
                 .getResult(0);
    } else {
      init = filledTensor(b, loc, flatType, 0.0);
    }
    Value flatX = b.create<tensor::CollapseShapeOp>(
        loc, tensorType({rows, features}), layer.x,
        ArrayRef<ReassociationIndices>{{0, 1}, {2}});
    Value weights = matrixOf(layer.w, d, 0, width);
    Value product =
        b.create<linalg::MatmulTransposeBOp>(loc, ValueRange{flatX, weights},
                                             init)
            .getResult(0);
    SmallVector<int64_t> shape = layer.layout == 0
                                     ? SmallVector<int64_t>{seq, batch, width}
                                     : SmallVector<int64_t>{batch, seq, width};
    return b.create<tensor::ExpandShapeOp>(
        loc, tensorType(shape), product,
        ArrayRef<ReassociationIndices>{{0, 1}, {2}});
  }

  /// `[N, cols]` columns `[offset, offset + cols)` of the `[N, width]`
  /// \p matrix.
  Value columnsOf(OpBuilder &nb, Value matrix, int64_t offset, int64_t cols) {
    return nb.create<tensor::ExtractSliceOp>(
        loc, tensorType({batch, cols}), matrix,
        ArrayRef<OpFoldResult>{nb.getIndexAttr(0), nb.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{nb.getIndexAttr(batch), nb.getIndexAttr(cols)},
        ArrayRef<OpFoldResult>{nb.getIndexAttr(1), nb.getIndexAttr(1)});
  }

  /// `lhs R^T` into \p scratch (filled with zeros first).
  Value recurrentProduct(OpBuilder &nb, Value lhs, Value weights,
                         Value scratch) {
    Value zero = scalarConstant(nb, loc, element, 0.0);
    Value filled =
        nb.create<linalg::FillOp>(loc, zero, scratch).getResult(0);
    return nb
        .create<linalg::MatmulTransposeBOp>(loc, ValueRange{lhs, weights},
                                            filled)
        .getResult(0);
  }

  /// One loop over the steps of direction \p d; \p carried are Y_h, (Y_c),
  /// (Y). \returns their values after the loop.
  SmallVector<Value> buildDirection(int64_t d, ArrayRef<Value> carried) {
    bool reverse = layer.reverse || d == 1;
    int64_t h = layer.hidden;
    Value projection = inputProjection(d);
    bool gruTwoProducts =
        layer.kind == LayerKind::Gru && !layer.linearBeforeReset;
    // Scratch: H R^T (only the z, r columns for GRU without
    // linear_before_reset, which adds r*H and (r*H) Rh^T).
    int64_t productWidth = gruTwoProducts ? 2 * h : layer.gates * h;
    SmallVector<Value> inits(carried);
    size_t firstScratch = inits.size();
    inits.push_back(emptyTensor(b, loc, tensorType({batch, productWidth})));
    // Scratch of r * H ([N, H]) and (r * H) Rh^T ([1, N, H], used through
    // a slice): with one type, CSE would merge their tensor.empty inits and
    // bufferization would then give both iter_args one buffer.
    if (gruTwoProducts) {
      inits.push_back(emptyTensor(b, loc, tensorType({batch, h})));
      inits.push_back(emptyTensor(b, loc, tensorType({1, batch, h})));
    }
    Value recurrence = matrixOf(layer.r, d, 0, productWidth);
    Value recurrenceH =
        gruTwoProducts ? matrixOf(layer.r, d, 2 * h, h) : Value();
    Value peepholes[3];
    if (layer.peepholes)
      for (int64_t k = 0; k < 3; ++k)
        peepholes[k] = vectorOf(b, layer.peepholes, d, k * h, h);
    // GRU with linear_before_reset: Rbh, added to (H Rh^T) before the reset.
    Value resetBias;
    if (layer.kind == LayerKind::Gru && layer.linearBeforeReset && layer.bias)
      resetBias = vectorOf(b, layer.bias, d, 5 * h, h);

    Value lower = b.create<arith::ConstantIndexOp>(loc, 0);
    Value upper = b.create<arith::ConstantIndexOp>(loc, seq);
    Value step = b.create<arith::ConstantIndexOp>(loc, 1);
    auto loop = b.create<scf::ForOp>(
        loc, lower, upper, step, inits,
        [&](OpBuilder &nb, Location l, Value i, ValueRange args) {
          Value t = i;
          if (reverse)
            t = nb.create<arith::SubIOp>(
                l, nb.create<arith::ConstantIndexOp>(l, seq - 1), i);
          SmallVector<OpFoldResult> offsets, sizes, strides;
          // This step's input projection, [N, G*H].
          OpFoldResult zero = nb.getIndexAttr(0), one = nb.getIndexAttr(1);
          OpFoldResult n = nb.getIndexAttr(batch),
                       width = nb.getIndexAttr(layer.gates * h);
          if (layer.layout == 0) {
            offsets = {t, zero, zero};
            sizes = {one, n, width};
          } else {
            offsets = {zero, t, zero};
            sizes = {n, one, width};
          }
          strides.assign(3, one);
          Value xw = nb.create<tensor::ExtractSliceOp>(
              l, tensorType({batch, layer.gates * h}), projection, offsets,
              sizes, strides);

          Value stateH = extractState(nb, args[0], d, nullptr);
          Value stateC = layer.kind == LayerKind::Lstm
                             ? extractState(nb, args[1], d, nullptr)
                             : Value();
          Value yArg = layer.needY ? args[firstScratch - 1] : Value();
          Value ySlice = yArg ? extractState(nb, yArg, d, t) : Value();
          Value product = recurrentProduct(nb, stateH, recurrence,
                                           args[firstScratch]);
          SmallVector<Value> scratchOut = {product};

          // t as the element type of sequence_lens, for the validity test.
          Value tLen;
          if (layer.seqLens) {
            Type lenType =
                cast<RankedTensorType>(layer.seqLens.getType()).getElementType();
            tLen = nb.create<arith::IndexCastOp>(l, lenType, t);
          }

          // Extra inputs of the gate generic, [N, H] each unless noted.
          SmallVector<Value> inputs;
          for (int64_t g = 0; g < layer.gates; ++g)
            inputs.push_back(columnsOf(nb, xw, g * h, h));
          int64_t productGates = gruTwoProducts ? 2 : layer.gates;
          for (int64_t g = 0; g < productGates; ++g)
            inputs.push_back(columnsOf(nb, product, g * h, h));
          if (gruTwoProducts) {
            // r = f(xr + hr); rH = r * H; then (r * H) Rh^T.
            const Activation &f = activationsOf(layer, d, 2)[0];
            Value rh = resetTimesState(nb, inputs[1], inputs[4], stateH,
                                       args[firstScratch + 1], f);
            Value pair = args[firstScratch + 2];
            Value rhr = recurrentProduct(nb, rh, recurrenceH,
                                         pairSlice(nb, pair, 0));
            scratchOut.push_back(rh);
            scratchOut.push_back(insertPairSlice(nb, rhr, pair, 0));
            inputs.push_back(rhr);
          }
          size_t vectorStart = inputs.size();
          if (layer.peepholes)
            inputs.append({peepholes[0], peepholes[1], peepholes[2]});
          if (resetBias)
            inputs.push_back(resetBias);
          size_t lensIndex = inputs.size();
          if (layer.seqLens)
            inputs.push_back(layer.seqLens);

          SmallVector<Value> outputs = {stateH};
          if (stateC)
            outputs.push_back(stateC);
          if (ySlice)
            outputs.push_back(ySlice);
          MLIRContext *context = nb.getContext();
          AffineMap matrix = nb.getMultiDimIdentityMap(2);
          AffineMap columns =
              AffineMap::get(2, 0, nb.getAffineDimExpr(1), context);
          AffineMap rows =
              AffineMap::get(2, 0, nb.getAffineDimExpr(0), context);
          SmallVector<AffineMap> maps;
          for (size_t k = 0; k < inputs.size(); ++k)
            maps.push_back(k < vectorStart ? matrix
                           : k == lensIndex && layer.seqLens ? rows
                                                             : columns);
          maps.append(outputs.size(), matrix);
          SmallVector<utils::IteratorType> iterators(
              2, utils::IteratorType::parallel);
          auto gate = nb.create<linalg::GenericOp>(
              l, ValueRange(outputs).getTypes(), inputs, outputs, maps,
              iterators, [&](OpBuilder &bb, Location bl, ValueRange v) {
                SmallVector<Value> in(v.take_front(inputs.size()));
                ValueRange out = v.drop_front(inputs.size());
                Value hOld = out[0];
                Value cOld = stateC ? out[1] : Value();
                SmallVector<Value> vectors(in.begin() + vectorStart,
                                           in.begin() + lensIndex);
                Value hNew, cNew;
                updateCell(bb, bl, d, in, vectors, hOld, cOld, hNew, cNew);
                SmallVector<Value> yields;
                Value yValue = hNew;
                if (layer.seqLens) {
                  Value valid = bb.create<arith::CmpIOp>(
                      bl, arith::CmpIPredicate::slt, tLen, in[lensIndex]);
                  hNew = bb.create<arith::SelectOp>(bl, valid, hNew, hOld);
                  if (cNew)
                    cNew = bb.create<arith::SelectOp>(bl, valid, cNew, cOld);
                  yValue = bb.create<arith::SelectOp>(
                      bl, valid, yValue, constantLike(bb, bl, hOld, 0.0));
                }
                yields.push_back(hNew);
                if (cNew)
                  yields.push_back(cNew);
                if (ySlice)
                  yields.push_back(yValue);
                bb.create<linalg::YieldOp>(bl, yields);
              });

          SmallVector<Value> next;
          next.push_back(insertState(nb, gate.getResult(0), args[0], d,
                                     nullptr));
          if (stateC)
            next.push_back(insertState(nb, gate.getResult(1), args[1], d,
                                       nullptr));
          if (ySlice)
            next.push_back(insertState(nb, gate->getResults().back(), yArg, d,
                                       t));
          next.append(scratchOut);
          nb.create<scf::YieldOp>(l, next);
        });
    return SmallVector<Value>(
        loop.getResults().take_front(carried.size()));
  }

  /// Slice \p k of a `[K, N, H]` GRU scratch.
  Value pairSlice(OpBuilder &nb, Value pair, int64_t k) {
    return nb.create<tensor::ExtractSliceOp>(
        loc, tensorType({batch, layer.hidden}), pair, pairOffsets(nb, k),
        pairSizes(nb), pairStrides(nb));
  }

  Value insertPairSlice(OpBuilder &nb, Value slice, Value pair, int64_t k) {
    return nb.create<tensor::InsertSliceOp>(loc, slice, pair,
                                            pairOffsets(nb, k), pairSizes(nb),
                                            pairStrides(nb));
  }

  SmallVector<OpFoldResult> pairOffsets(OpBuilder &nb, int64_t k) {
    return {nb.getIndexAttr(k), nb.getIndexAttr(0), nb.getIndexAttr(0)};
  }
  SmallVector<OpFoldResult> pairSizes(OpBuilder &nb) {
    return {nb.getIndexAttr(1), nb.getIndexAttr(batch),
            nb.getIndexAttr(layer.hidden)};
  }
  SmallVector<OpFoldResult> pairStrides(OpBuilder &nb) {
    return SmallVector<OpFoldResult>(3, nb.getIndexAttr(1));
  }

  /// GRU without linear_before_reset: `r * H` into \p scratch, with
  /// `r = f(xr + hr)`.
  Value resetTimesState(OpBuilder &nb, Value xr, Value hr, Value state,
                        Value scratch, const Activation &f) {
    AffineMap id = nb.getMultiDimIdentityMap(2);
    SmallVector<utils::IteratorType> iterators(2,
                                               utils::IteratorType::parallel);
    return nb
        .create<linalg::GenericOp>(
            loc, scratch.getType(), ValueRange{xr, hr, state}, scratch,
            SmallVector<AffineMap>(4, id), iterators,
            [&](OpBuilder &bb, Location bl, ValueRange v) {
              Value r = gateValue(bb, bl, f, {v[0], v[1]});
              bb.create<linalg::YieldOp>(
                  bl, ValueRange{bb.create<arith::MulFOp>(bl, r, v[2])});
            })
        .getResult(0);
  }

  /// `act(clip(sum of terms))`.
  Value gateValue(OpBuilder &bb, Location bl, const Activation &act,
                  ArrayRef<Value> terms) {
    Value sum = terms[0];
    for (Value term : terms.drop_front())
      sum = bb.create<arith::AddFOp>(bl, sum, term);
    if (layer.clip) {
      Value limit = constantLike(bb, bl, sum, *layer.clip);
      Value negLimit = constantLike(bb, bl, sum, -*layer.clip);
      sum = bb.create<arith::MinimumFOp>(
          bl, bb.create<arith::MaximumFOp>(bl, sum, negLimit), limit);
    }
    return applyActivation(bb, bl, act, sum);
  }

  /// The scalar state update of one (batch, hidden) element. \p in holds the
  /// input projections of the gates, then the recurrent products (and, for
  /// GRU without linear_before_reset, `(r*H) Rh^T`); \p vectors the
  /// peepholes (LSTM) or Rbh (GRU with linear_before_reset).
  void updateCell(OpBuilder &bb, Location bl, int64_t d, ArrayRef<Value> in,
                  ArrayRef<Value> vectors, Value hOld, Value cOld, Value &hNew,
                  Value &cNew) {
    auto one = [&] { return constantLike(bb, bl, hOld, 1.0); };
    switch (layer.kind) {
    case LayerKind::Rnn: {
      hNew = gateValue(bb, bl, activationsOf(layer, d, 1)[0], {in[0], in[1]});
      return;
    }
    case LayerKind::Lstm: {
      ArrayRef<Activation> acts = activationsOf(layer, d, 3);
      // Gate order i, o, f, c; peepholes i, o, f.
      auto peep = [&](int64_t k, Value c) -> SmallVector<Value> {
        if (vectors.empty())
          return {};
        return {bb.create<arith::MulFOp>(bl, vectors[k], c)};
      };
      SmallVector<Value> iTerms = {in[0], in[4]};
      iTerms.append(peep(0, cOld));
      Value i = gateValue(bb, bl, acts[0], iTerms);
      Value f;
      if (layer.inputForget) {
        f = bb.create<arith::SubFOp>(bl, one(), i);
      } else {
        SmallVector<Value> fTerms = {in[2], in[6]};
        fTerms.append(peep(2, cOld));
        f = gateValue(bb, bl, acts[0], fTerms);
      }
      Value g = gateValue(bb, bl, acts[1], {in[3], in[7]});
      cNew = bb.create<arith::AddFOp>(bl, bb.create<arith::MulFOp>(bl, f, cOld),
                                      bb.create<arith::MulFOp>(bl, i, g));
      SmallVector<Value> oTerms = {in[1], in[5]};
      oTerms.append(peep(1, cNew));
      Value o = gateValue(bb, bl, acts[0], oTerms);
      hNew = bb.create<arith::MulFOp>(bl, o,
                                      applyActivation(bb, bl, acts[2], cNew));
      return;
    }
    case LayerKind::Gru: {
      ArrayRef<Activation> acts = activationsOf(layer, d, 2);
      // Gate order z, r, h.
      Value z = gateValue(bb, bl, acts[0], {in[0], in[3]});
      Value candidate;
      if (layer.linearBeforeReset) {
        Value r = gateValue(bb, bl, acts[0], {in[1], in[4]});
        Value hh = in[5];
        if (!vectors.empty())
          hh = bb.create<arith::AddFOp>(bl, hh, vectors[0]);
        candidate = gateValue(bb, bl, acts[1],
                              {in[2], bb.create<arith::MulFOp>(bl, r, hh)});
      } else {
        candidate = gateValue(bb, bl, acts[1], {in[2], in[5]});
      }
      // (1 - z) * h~ + z * H
      hNew = bb.create<arith::AddFOp>(
          bl,
          bb.create<arith::MulFOp>(
              bl, bb.create<arith::SubFOp>(bl, one(), z), candidate),
          bb.create<arith::MulFOp>(bl, z, hOld));
      return;
    }
    }
  }
};

/// Reads the activation attributes of \p op into \p layer.
template <typename OpTy>
void readActivations(OpTy op, Layer &layer) {
  ArrayRef<float> alpha = op.getActivationAlpha(), beta = op.getActivationBeta();
  for (auto [k, name] : llvm::enumerate(op.getActivations()))
    layer.activations.push_back(
        {*parseRecurrentActivation(cast<StringAttr>(name).getValue()),
         alpha[k], beta[k]});
}

template <typename OpTy>
Layer readLayer(OpTy op, LayerKind kind, int64_t gates) {
  Layer layer;
  layer.kind = kind;
  layer.x = op.getInput();
  layer.w = op.getWeights();
  layer.r = op.getRecurrence();
  layer.bias = op.getBias();
  layer.seqLens = op.getSequenceLens();
  layer.initialH = op.getInitialH();
  layer.hidden = static_cast<int64_t>(op.getHiddenSize());
  layer.gates = gates;
  layer.dirs = op.getDirection() == "bidirectional" ? 2 : 1;
  layer.reverse = op.getDirection() == "reverse";
  layer.layout = static_cast<int64_t>(op.getLayout());
  if (std::optional<APFloat> clip = op.getClip())
    layer.clip = clip->convertToDouble();
  readActivations(op, layer);
  layer.needY = !op.getY().use_empty();
  return layer;
}

template <typename OpTy>
struct RecurrentLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Layer layer;
    if constexpr (std::is_same_v<OpTy, RnnOp>) {
      layer = readLayer(op, LayerKind::Rnn, 1);
    } else if constexpr (std::is_same_v<OpTy, LstmOp>) {
      layer = readLayer(op, LayerKind::Lstm, 4);
      layer.initialC = op.getInitialC();
      layer.peepholes = op.getPeepholes();
      layer.inputForget = op.getInputForget();
    } else {
      layer = readLayer(op, LayerKind::Gru, 3);
      layer.linearBeforeReset = op.getLinearBeforeReset();
    }
    SmallVector<Type> resultTypes(op->getResultTypes());
    RecurrentBuilder builder(rewriter, op.getLoc(), layer);
    rewriter.replaceOp(op, builder.build(resultTypes));
    return success();
  }
};

} // namespace

void populateRecurrentPatterns(RewritePatternSet &patterns) {
  patterns.add<RecurrentLowering<RnnOp>, RecurrentLowering<LstmOp>,
               RecurrentLowering<GruOp>>(patterns.getContext());
}

} // namespace kiln::lowering

//===- Math.h - Shape rules of the Math op group ----------------*- C++ -*-===//
//
// Infer functions of the ops in ir/ops/Math.td. Included by ir/KilnOps.cpp
// before the generated op definitions, which call them from
// `inferReturnTypes`. Report errors through ir/ShapeRules.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_MATH_H
#define KILN_IR_OPS_MATH_H

#include "ir/ShapeRules.h"

namespace kiln {} // namespace kiln

#endif // KILN_IR_OPS_MATH_H

//===- Indexing.h - Shape rules of the Indexing op group --------*- C++ -*-===//
//
// Infer functions of the ops in ir/ops/Indexing.td. Included by ir/KilnOps.cpp
// before the generated op definitions, which call them from
// `inferReturnTypes`. Report errors through ir/ShapeRules.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_INDEXING_H
#define KILN_IR_OPS_INDEXING_H

#include "ir/ShapeRules.h"

namespace kiln {} // namespace kiln

#endif // KILN_IR_OPS_INDEXING_H

//===- EinsumTest.cpp - Einsum equations: parsing and shape rules ---------===//

#include "ir/Einsum.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

/// \returns the explicit form of \p equation for \p ranks, or "error: ...".
std::string explicitForm(llvm::StringRef equation,
                         llvm::ArrayRef<int64_t> ranks,
                         bool requireExplicit = false) {
  std::string error;
  std::optional<EinsumEquation> parsed =
      parseEinsum(equation, ranks, requireExplicit, error);
  return parsed ? parsed->str() : "error: " + error;
}

TEST(ParseEinsumTest, DropsSpacesAndKeepsExplicitResults) {
  EXPECT_EQ(explicitForm("bij, bjk -> bik", {3, 3}), "bij,bjk->bik");
  EXPECT_EQ(explicitForm("ij->ji", {2}), "ij->ji");
  EXPECT_EQ(explicitForm("i,i->", {1, 1}), "i,i->");
}

TEST(ParseEinsumTest, ImplicitResultIsLettersUsedOnceInAsciiOrder) {
  EXPECT_EQ(explicitForm("ji", {2}), "ji->ij");
  EXPECT_EQ(explicitForm("i,i", {1, 1}), "i,i->");
  EXPECT_EQ(explicitForm("ii", {2}), "ii->");
  EXPECT_EQ(explicitForm("ij,jk,kl", {2, 2, 2}), "ij,jk,kl->il");
  EXPECT_EQ(explicitForm("bA", {2}), "bA->Ab");
}

TEST(ParseEinsumTest, EllipsisGetsUnusedLettersAlignedRight) {
  EXPECT_EQ(explicitForm("...ii ->...i", {3}), "Aii->Ai");
  EXPECT_EQ(explicitForm("...ij,...jk->...ik", {4, 3}), "ABij,Bjk->ABik");
  // Implicit: the ellipsis dims come first.
  EXPECT_EQ(explicitForm("...j,jk", {3, 2}), "ABj,jk->ABk");
  // Letters in the equation are skipped; as in NumPy, an implicit result
  // puts the ellipsis dims before the named ones.
  EXPECT_EQ(explicitForm("A...", {2}), "AB->BA");
  // An ellipsis may stand for no dims at all.
  EXPECT_EQ(explicitForm("i...->i...", {1}), "i->i");
}

TEST(ParseEinsumTest, RejectsMalformedEquations) {
  EXPECT_EQ(explicitForm("ij->i->j", {2}),
            "error: equation 'ij->i->j' has more than one '->'");
  EXPECT_EQ(explicitForm("ij,jk->ik", {2}),
            "error: equation 'ij,jk->ik' has 2 operand terms but there are 1 "
            "operands");
  EXPECT_EQ(explicitForm("ij->i", {3}),
            "error: operand term 0 'ij' names 2 dims but operand 0 has rank 3");
  EXPECT_EQ(explicitForm("i..j...", {3}),
            "error: operand term 0 'i..j...' has '.', which is neither a "
            "letter nor part of '...'");
  EXPECT_EQ(explicitForm("...i...", {3}),
            "error: operand term 0 '...i...' has more than one '...'");
  EXPECT_EQ(explicitForm("ij->ii", {2}), "error: result term 'ii' repeats 'i'");
  EXPECT_EQ(explicitForm("ij->k", {2}),
            "error: result term 'k' has 'k', which no operand term has");
}

TEST(ParseEinsumTest, ExplicitFormIsRequiredOnRequest) {
  EXPECT_EQ(explicitForm("ij", {2}, /*requireExplicit=*/true),
            "error: equation 'ij' must name its result after '->'");
  EXPECT_EQ(explicitForm("...j->j", {2}, /*requireExplicit=*/true),
            "error: operand term 0 '...j' must not use '...'");
  EXPECT_EQ(explicitForm("ij->ji", {2}, /*requireExplicit=*/true), "ij->ji");
}

TEST(EinsumLetterSizesTest, TakesSizesAndBroadcastsOnes) {
  std::string error;
  EinsumEquation equation = {{"ij", "jk"}, "ik"};
  llvm::SmallVector<int64_t> a = {2, 3}, b = {3, 4}, one = {1, 4};
  auto sizes = einsumLetterSizes(equation, {a, b}, error);
  ASSERT_TRUE(sizes.has_value()) << error;
  EXPECT_EQ(*sizes, (std::map<char, int64_t>{{'i', 2}, {'j', 3}, {'k', 4}}));
  // A dim of size 1 broadcasts against the other operand's 3.
  sizes = einsumLetterSizes(equation, {a, one}, error);
  ASSERT_TRUE(sizes.has_value()) << error;
  EXPECT_EQ(sizes->at('j'), 3);
}

TEST(EinsumLetterSizesTest, RejectsDifferentSizes) {
  std::string error;
  EinsumEquation equation = {{"ij", "jk"}, "ik"};
  llvm::SmallVector<int64_t> a = {2, 3}, b = {4, 5};
  EXPECT_FALSE(einsumLetterSizes(equation, {a, b}, error).has_value());
  EXPECT_EQ(error, "letter 'j' has size 3 in operand 0 and size 4 in operand 1");
}

} // namespace
} // namespace kiln

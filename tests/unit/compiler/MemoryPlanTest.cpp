//===- MemoryPlanTest.cpp - Memory plan bounds and reports ----------------===//

#include "compiler/MemoryPlan.h"

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <set>
#include <sstream>

namespace kiln {
namespace {

PlannedBuffer buffer(int64_t offset, int64_t bytes, int64_t first, int64_t last,
                     std::string producer = "", std::string type = "") {
  PlannedBuffer b;
  b.offset = offset;
  b.bytes = bytes;
  b.first = first;
  b.last = last;
  b.producer = std::move(producer);
  b.type = std::move(type);
  return b;
}

/// Four buffers whose lifetimes overlap pairwise; step 4 is the busiest
/// (B's last step is 3, so only C and D are live there: 50 + 400).
MemoryPlan overlappingPlan() {
  MemoryPlan plan;
  plan.function = "main_graph";
  plan.steps = 5;
  plan.buffers = {
      buffer(0, 100, 0, 2, "/conv1/Conv", "memref<1x25xf32>"),
      buffer(128, 200, 1, 3, "/relu1/Relu", "memref<1x50xf32>"),
      buffer(0, 50, 3, 4, "/pool1/MaxPool", "memref<1x12xf32>"),
      buffer(128, 400, 4, 4, "/fc1/Gemm", "memref<1x100xf32>"),
  };
  plan.arenaBytes = 576;
  computePlanBounds(plan);
  return plan;
}

/// Splits \p text into lines, without the newlines.
std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

/// A deliberately small XML well-formedness check: tags nest and match,
/// attribute values are quoted, '&' starts only a known entity, and no '<'
/// appears outside markup (an unescaped '<' would open a bogus tag and
/// break nesting). \returns "" when well formed, else the first problem.
/// Counts elements by name into \p counts.
std::string checkXml(const std::string &xml,
                     std::map<std::string, int> &counts) {
  std::vector<std::string> open;
  size_t i = 0;
  auto checkEntities = [&](size_t from, size_t to) -> std::string {
    for (size_t j = from; j < to; ++j) {
      if (xml[j] != '&')
        continue;
      size_t semi = xml.find(';', j);
      if (semi == std::string::npos || semi >= to)
        return "bare '&' at " + std::to_string(j);
      std::string name = xml.substr(j + 1, semi - j - 1);
      static const std::set<std::string> known = {"amp", "lt", "gt", "quot",
                                                  "apos"};
      if (!known.count(name))
        return "unknown entity '" + name + "'";
    }
    return "";
  };
  while (i < xml.size()) {
    size_t lt = xml.find('<', i);
    if (lt == std::string::npos)
      lt = xml.size();
    if (std::string err = checkEntities(i, lt); !err.empty())
      return err;
    if (lt == xml.size())
      break;
    if (open.empty() && lt != 0 && xml.find_first_not_of(" \n", i) < lt)
      return "text outside the root element";
    // Find the tag's end, skipping '>' inside quoted attribute values.
    size_t j = lt + 1;
    char quote = 0;
    for (; j < xml.size(); ++j) {
      char c = xml[j];
      if (quote) {
        if (c == quote)
          quote = 0;
        else if (c == '<')
          return "raw '<' in an attribute value";
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      } else if (c == '<') {
        return "raw '<' inside a tag at " + std::to_string(j);
      }
    }
    if (j == xml.size())
      return "unterminated tag";
    std::string tag = xml.substr(lt + 1, j - lt - 1);
    if (std::string err = checkEntities(lt + 1, j); !err.empty())
      return err;
    if (!tag.empty() && tag[0] == '/') {
      std::string name = tag.substr(1);
      if (open.empty() || open.back() != name)
        return "mismatched </" + name + ">";
      open.pop_back();
    } else {
      bool selfClosing = !tag.empty() && tag.back() == '/';
      std::string name = tag.substr(0, tag.find_first_of(" /\n"));
      if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0])))
        return "bad tag name in <" + tag + ">";
      if (open.empty() && counts.count("svg"))
        return "second root element <" + name + ">";
      ++counts[name];
      if (!selfClosing)
        open.push_back(name);
    }
    i = j + 1;
  }
  if (!open.empty())
    return "unclosed <" + open.back() + ">";
  return "";
}

TEST(ComputePlanBoundsTest, LowerBoundIsTheBusiestStep) {
  MemoryPlan plan = overlappingPlan();
  // Live bytes per step: 100, 300, 300, 250, 450.
  EXPECT_EQ(plan.lowerBound, 450);
  EXPECT_EQ(plan.naiveBytes, 750);
}

TEST(ComputePlanBoundsTest, BackToBackLifetimesDoNotOverlap) {
  MemoryPlan plan;
  plan.buffers = {buffer(0, 100, 0, 1), buffer(0, 100, 2, 3),
                  buffer(0, 30, 1, 2)};
  computePlanBounds(plan);
  EXPECT_EQ(plan.lowerBound, 130);
  EXPECT_EQ(plan.naiveBytes, 230);
}

TEST(ComputePlanBoundsTest, NeverLiveBufferCountsOnlyTowardsNaive) {
  MemoryPlan plan;
  plan.buffers = {buffer(0, 64, 2, 2), buffer(64, 1000, 3, 1)};
  computePlanBounds(plan);
  EXPECT_EQ(plan.lowerBound, 64);
  EXPECT_EQ(plan.naiveBytes, 1064);
}

TEST(ComputePlanBoundsTest, EmptyPlanHasZeroBounds) {
  MemoryPlan plan;
  plan.lowerBound = 7;
  plan.naiveBytes = 7;
  computePlanBounds(plan);
  EXPECT_EQ(plan.lowerBound, 0);
  EXPECT_EQ(plan.naiveBytes, 0);
}

TEST(FormatBytesTest, UsesBinaryUnitsWithOneDecimal) {
  EXPECT_EQ(formatBytes(0), "0 B");
  EXPECT_EQ(formatBytes(512), "512 B");
  EXPECT_EQ(formatBytes(1023), "1023 B");
  EXPECT_EQ(formatBytes(1024), "1.0 KiB");
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
  EXPECT_EQ(formatBytes(18816), "18.4 KiB");
  EXPECT_EQ(formatBytes(3 * 1024 * 1024), "3.0 MiB");
  EXPECT_EQ(formatBytes(int64_t(5) << 30), "5.0 GiB");
  EXPECT_EQ(formatBytes(-1536), "-1.5 KiB");
}

TEST(FormatBytesTest, NeverPrintsA1024InTheSmallerUnit) {
  EXPECT_EQ(formatBytes(1024 * 1024 - 1), "1.0 MiB");
  EXPECT_EQ(formatBytes(1024 * 1024 - 60), "1023.9 KiB");
  EXPECT_EQ(formatBytes(1024 * 1024 - 40), "1.0 MiB");
  EXPECT_EQ(formatBytes(1024 * 1023), "1023.0 KiB");
}

TEST(FormatPlanTableTest, PrintsOneRowPerBufferAndASummary) {
  EXPECT_EQ(formatPlanTable(overlappingPlan()),
            "memory plan of @main_graph: 4 buffers over 5 steps, reuse on\n"
            "  #  offset  bytes  live  type               producer\n"
            "  0       0    100  0..2  memref<1x25xf32>   /conv1/Conv\n"
            "  2       0     50  3..4  memref<1x12xf32>   /pool1/MaxPool\n"
            "  1     128    200  1..3  memref<1x50xf32>   /relu1/Relu\n"
            "  3     128    400  4..4  memref<1x100xf32>  /fc1/Gemm\n"
            "arena 576 B (576 B), lower bound 450 B (450 B), ratio 1.28x; "
            "naive 750 B (750 B), saves 23.2%\n");
}

TEST(FormatPlanTableTest, SortsByOffsetThenFirstStep) {
  MemoryPlan plan;
  plan.function = "f";
  plan.steps = 9;
  plan.buffers = {buffer(4096, 10, 0, 0), buffer(0, 10, 5, 6),
                  buffer(0, 10, 1, 2), buffer(64, 10, 0, 8)};
  computePlanBounds(plan);
  std::vector<std::string> rows = lines(formatPlanTable(plan));
  ASSERT_EQ(rows.size(), 7u);
  std::string order;
  for (size_t r = 2; r < 6; ++r)
    order += rows[r].substr(2, 1);
  EXPECT_EQ(order, "2130");
  EXPECT_NE(rows[5].find("4,096"), std::string::npos) << rows[5];
}

TEST(FormatPlanTableTest, SummaryShowsLargeSizesGroupedAndHuman) {
  MemoryPlan plan;
  plan.function = "g";
  plan.steps = 2;
  plan.buffers = {buffer(0, 3 * 1024 * 1024, 0, 0, "a"),
                  buffer(0, 3 * 1024 * 1024, 1, 1, "b")};
  plan.arenaBytes = 3 * 1024 * 1024;
  computePlanBounds(plan);
  std::vector<std::string> rows = lines(formatPlanTable(plan));
  EXPECT_EQ(rows.back(), "arena 3,145,728 B (3.0 MiB), lower bound "
                         "3,145,728 B (3.0 MiB), ratio 1.00x; naive "
                         "6,291,456 B (6.0 MiB), saves 50.0%");
}

TEST(FormatPlanTableTest, NoReusePlanSaysSoInTheHeader) {
  MemoryPlan plan = overlappingPlan();
  plan.reuse = false;
  EXPECT_NE(formatPlanTable(plan).find("reuse off (--no-reuse)"),
            std::string::npos);
}

TEST(FormatPlanTableTest, EmptyPlanSaysSoAndHasNoRatio) {
  MemoryPlan plan;
  plan.function = "empty";
  EXPECT_EQ(formatPlanTable(plan),
            "memory plan of @empty: 0 buffers over 0 steps, reuse on\n"
            "  #  offset  bytes  live  type  producer\n"
            "  (no intermediate buffers)\n"
            "arena 0 B (0 B), lower bound 0 B (0 B), ratio n/a; naive 0 B "
            "(0 B), saves n/a\n");
}

TEST(FormatPlanSvgTest, IsWellFormedWithOneRectPerBufferPlusBackground) {
  std::string svg = formatPlanSvg(overlappingPlan());
  ASSERT_EQ(svg.rfind("<svg", 0), 0u);
  std::map<std::string, int> counts;
  EXPECT_EQ(checkXml(svg, counts), "");
  EXPECT_EQ(counts["svg"], 1);
  EXPECT_EQ(counts["rect"], 4 + 1);
  EXPECT_EQ(counts["title"], 4);
}

TEST(FormatPlanSvgTest, EscapesProducerNamesAndTypes) {
  MemoryPlan plan = overlappingPlan();
  plan.function = "f<&>";
  plan.buffers[0].producer = "/blk<0>/a&b/\"q\"'s";
  std::string svg = formatPlanSvg(plan);
  std::map<std::string, int> counts;
  EXPECT_EQ(checkXml(svg, counts), "");
  EXPECT_EQ(counts["rect"], 5);
  EXPECT_NE(svg.find("/blk&lt;0&gt;/a&amp;b/&quot;q&quot;&apos;s"),
            std::string::npos);
  EXPECT_NE(svg.find("memref&lt;1x25xf32&gt;"), std::string::npos);
  EXPECT_NE(svg.find("@f&lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("/blk<0>"), std::string::npos);
  EXPECT_EQ(svg.find("memref<"), std::string::npos);
}

TEST(FormatPlanSvgTest, GivesEveryBufferATooltipAndItsOwnColour) {
  std::string svg = formatPlanSvg(overlappingPlan());
  EXPECT_NE(svg.find("<title>#1 /relu1/Relu\nmemref&lt;1x50xf32&gt;\n200 B "
                     "(200 B) at offset 128\nlive at steps 1..3</title>"),
            std::string::npos);
  std::set<std::string> fills;
  for (size_t at = svg.find("fill=\"hsl("); at != std::string::npos;
       at = svg.find("fill=\"hsl(", at + 1))
    fills.insert(svg.substr(at, svg.find(')', at) - at));
  EXPECT_EQ(fills.size(), 4u);
}

TEST(FormatPlanSvgTest, DrawsDashedLowerBoundAndSummaryCaption) {
  std::string svg = formatPlanSvg(overlappingPlan());
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("lower bound 450 B"), std::string::npos);
  EXPECT_NE(svg.find("1.28x"), std::string::npos);
  EXPECT_NE(svg.find("23.2%"), std::string::npos);
}

TEST(FormatPlanSvgTest, LabelsTheByteAxisInBinaryUnits) {
  MemoryPlan plan;
  plan.function = "f";
  plan.steps = 3;
  plan.buffers = {buffer(0, 3 * 1024 * 1024, 0, 2, "big")};
  plan.arenaBytes = 3 * 1024 * 1024;
  computePlanBounds(plan);
  std::string svg = formatPlanSvg(plan);
  EXPECT_NE(svg.find(">1 MiB</text>"), std::string::npos);
  EXPECT_NE(svg.find(">1.5 MiB</text>"), std::string::npos);
  EXPECT_NE(svg.find(">0</text>"), std::string::npos);
}

TEST(FormatPlanSvgTest, ShortensBlockLabelsThatDoNotFit) {
  // Eight steps make each one-step block about 110 units wide: room for
  // 15 label characters, so "#i " leaves 12 for the producer.
  MemoryPlan plan;
  plan.function = "f";
  plan.steps = 8;
  plan.buffers = {buffer(0, 4096, 0, 0, "conv_1, relu_1, add_3"),
                  buffer(0, 4096, 1, 1, "/features/block3/conv/Conv")};
  plan.arenaBytes = 4096;
  computePlanBounds(plan);
  std::string svg = formatPlanSvg(plan);
  EXPECT_NE(svg.find(">#0 conv_1 +2<"), std::string::npos);
  EXPECT_NE(svg.find(">#1 \u20263/conv/Conv<"), std::string::npos);
  // Tooltips keep the whole name.
  EXPECT_NE(svg.find("<title>#0 conv_1, relu_1, add_3\n"), std::string::npos);
}

TEST(FormatPlanSvgTest, EmptyPlanIsWellFormedAndSaysSo) {
  MemoryPlan plan;
  plan.function = "empty";
  std::string svg = formatPlanSvg(plan);
  ASSERT_EQ(svg.rfind("<svg", 0), 0u);
  std::map<std::string, int> counts;
  EXPECT_EQ(checkXml(svg, counts), "");
  EXPECT_EQ(counts["rect"], 1);
  EXPECT_NE(svg.find("no intermediate buffers"), std::string::npos);
}

} // namespace
} // namespace kiln

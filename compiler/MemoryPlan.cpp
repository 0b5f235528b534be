//===- MemoryPlan.cpp - Text and SVG reports of a memory plan -------------===//
//
// The writers take the plan as given (offsets, live ranges) and only derive
// what is needed to draw it; computePlanBounds() is the one place the bounds
// are defined, so the planner and the reports agree on them.
//
//===----------------------------------------------------------------------===//

#include "compiler/MemoryPlan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>
#include <utility>

namespace kiln {
namespace {

/// 1234567 -> "1,234,567".
std::string grouped(int64_t value) {
  std::string digits = std::to_string(value), out;
  size_t start = value < 0 ? 1 : 0;
  out = digits.substr(0, start);
  for (size_t i = start; i < digits.size(); ++i) {
    if (i > start && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

/// "1.03x", or "n/a" when the lower bound is zero (nothing is ever live).
std::string ratioText(const MemoryPlan &plan) {
  if (plan.lowerBound <= 0)
    return "n/a";
  return fmt::format("{:.2f}x", double(plan.arenaBytes) / plan.lowerBound);
}

/// Share of the naive one-slot-per-buffer total that the arena saves.
std::string savingsText(const MemoryPlan &plan) {
  if (plan.naiveBytes <= 0)
    return "n/a";
  double percent =
      100.0 * double(plan.naiveBytes - plan.arenaBytes) / plan.naiveBytes;
  // Alignment can make the arena a few bytes larger than the naive sum;
  // print that as 0.0%, not "-0.0%".
  return fmt::format("{:.1f}%", std::abs(percent) < 0.05 ? 0.0 : percent);
}

std::string liveText(const PlannedBuffer &buffer) {
  if (buffer.last < buffer.first)
    return "-";
  return fmt::format("{}..{}", buffer.first, buffer.last);
}

/// Buffer indices ordered by offset, then first step, then index.
std::vector<size_t> byOffset(const MemoryPlan &plan) {
  std::vector<size_t> order(plan.buffers.size());
  std::iota(order.begin(), order.end(), size_t(0));
  // The index breaks ties so the order is total and std::sort suffices.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const PlannedBuffer &x = plan.buffers[a], &y = plan.buffers[b];
    return std::make_tuple(x.offset, x.first, a) <
           std::make_tuple(y.offset, y.first, b);
  });
  return order;
}

/// Escapes \p text for XML content and attribute values. Control characters
/// XML 1.0 cannot carry at all become '?'.
std::string xmlEscape(const std::string &text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' &&
          c != '\r')
        out += '?';
      else
        out += c;
    }
  }
  return out;
}

/// Characters (code points) in UTF-8 \p text: what a label's width needs.
size_t displayWidth(const std::string &text) {
  return size_t(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

/// Keeps the tail of \p text (the op part of "/block/conv1/Conv") within
/// \p maxChars characters, marking the cut with "…". Never splits a
/// UTF-8 sequence.
std::string keepTail(const std::string &text, size_t maxChars) {
  if (displayWidth(text) <= maxChars)
    return text;
  if (maxChars < 2)
    return "";
  size_t cut = text.size(), kept = 0;
  while (cut > 0 && kept < maxChars - 1)
    if ((static_cast<unsigned char>(text[--cut]) & 0xC0) != 0x80)
      ++kept;
  return "\u2026" + text.substr(cut);
}

/// Shortens \p producer to \p maxChars characters for a block label. A fused
/// name "a, b, c" becomes "a +2" first, since the first node usually names
/// the op best; then the tail of what remains is kept.
std::string shortProducer(const std::string &producer, size_t maxChars) {
  if (displayWidth(producer) <= maxChars)
    return producer;
  size_t comma = producer.find(", ");
  if (comma == std::string::npos)
    return keepTail(producer, maxChars);
  size_t others = 0;
  for (size_t at = comma; at != std::string::npos;
       at = producer.find(", ", at + 2))
    ++others;
  std::string suffix = fmt::format(" +{}", others);
  if (maxChars <= suffix.size() + 2)
    return keepTail(producer, maxChars);
  return keepTail(producer.substr(0, comma), maxChars - suffix.size()) + suffix;
}

/// A round axis step (1, 2 or 5 times a power of ten) near \p raw.
double niceStep(double raw) {
  if (raw <= 0)
    return 1;
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  double mantissa = raw / power;
  double nice = mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10;
  return nice * power;
}

/// Digits after the point that a multiple of \p step needs.
int decimalsFor(double step) {
  return step >= 1 ? 0 : int(std::ceil(-std::log10(step) - 1e-9));
}

/// Fill colour of buffer \p index: golden-angle hue steps keep neighbours
/// (usually adjacent in time) far apart on the colour wheel.
double hueOf(size_t index) { return std::fmod(double(index) * 137.508, 360.0); }

} // namespace

void computePlanBounds(MemoryPlan &plan) {
  // Sweep over live-range edges instead of a per-step array, so a plan with
  // millions of steps costs only its buffer count.
  std::vector<std::pair<int64_t, int64_t>> edges;
  plan.naiveBytes = 0;
  for (const PlannedBuffer &buffer : plan.buffers) {
    plan.naiveBytes += buffer.bytes;
    if (buffer.last < buffer.first)
      continue;
    edges.push_back({buffer.first, buffer.bytes});
    edges.push_back({buffer.last + 1, -buffer.bytes});
  }
  // At equal steps, frees (negative) sort first: a buffer whose range ends at
  // step s-1 is not live alongside one that starts at s.
  std::sort(edges.begin(), edges.end());
  int64_t live = 0;
  plan.lowerBound = 0;
  for (const auto &[step, delta] : edges) {
    live += delta;
    plan.lowerBound = std::max(plan.lowerBound, live);
  }
}

std::string formatBytes(int64_t bytes) {
  const char *sign = bytes < 0 ? "-" : "";
  // Unsigned so that INT64_MIN negates without overflow.
  uint64_t magnitude =
      bytes < 0 ? uint64_t(0) - uint64_t(bytes) : uint64_t(bytes);
  if (magnitude < 1024)
    return fmt::format("{}{} B", sign, magnitude);
  static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = double(magnitude) / 1024;
  size_t unit = 0;
  // Move up while the rounded value would read 1024.0 or more.
  while (value >= 1023.95 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{}{:.1f} {}", sign, value, units[unit]);
}

std::string formatPlanTable(const MemoryPlan &plan) {
  struct Row {
    std::string index, offset, bytes, live, type, producer;
  };
  std::vector<Row> rows;
  Row header{"#", "offset", "bytes", "live", "type", "producer"};
  size_t w[5] = {header.index.size(), header.offset.size(), header.bytes.size(),
                 header.live.size(), header.type.size()};
  for (size_t i : byOffset(plan)) {
    const PlannedBuffer &buffer = plan.buffers[i];
    rows.push_back({std::to_string(i), grouped(buffer.offset),
                    grouped(buffer.bytes), liveText(buffer),
                    buffer.type.empty() ? "-" : buffer.type,
                    buffer.producer.empty() ? "-" : buffer.producer});
    const Row &row = rows.back();
    w[0] = std::max(w[0], row.index.size());
    w[1] = std::max(w[1], row.offset.size());
    w[2] = std::max(w[2], row.bytes.size());
    w[3] = std::max(w[3], row.live.size());
    w[4] = std::max(w[4], row.type.size());
  }

  std::string out = fmt::format(
      "memory plan of @{}: {} buffer{} over {} step{}, reuse {}\n",
      plan.function, plan.buffers.size(), plan.buffers.size() == 1 ? "" : "s",
      plan.steps, plan.steps == 1 ? "" : "s",
      plan.reuse ? "on" : "off (--no-reuse)");
  auto line = [&](const Row &row) {
    // Numbers align right, text left; the producer is last so that long
    // fused names do not push the other columns apart.
    return fmt::format("  {:>{}}  {:>{}}  {:>{}}  {:<{}}  {:<{}}  {}\n",
                       row.index, w[0], row.offset, w[1], row.bytes, w[2],
                       row.live, w[3], row.type, w[4], row.producer);
  };
  out += line(header);
  if (rows.empty())
    out += "  (no intermediate buffers)\n";
  for (const Row &row : rows)
    out += line(row);
  out += fmt::format("arena {} B ({}), lower bound {} B ({}), ratio {}; "
                     "naive {} B ({}), saves {}\n",
                     grouped(plan.arenaBytes), formatBytes(plan.arenaBytes),
                     grouped(plan.lowerBound), formatBytes(plan.lowerBound),
                     ratioText(plan), grouped(plan.naiveBytes),
                     formatBytes(plan.naiveBytes), savingsText(plan));
  return out;
}

std::string formatPlanSvg(const MemoryPlan &plan) {
  // Canvas and plot area, in viewBox units.
  constexpr double width = 1000, height = 600;
  constexpr double left = 92, right = 972, top = 64, bottom = 468;
  constexpr double plotW = right - left, plotH = bottom - top;
  // Approximate advance of the 11px monospace label font, to fit labels.
  constexpr double labelCharW = 6.7;

  int64_t steps = std::max<int64_t>(plan.steps, 1);
  int64_t dataBytes = std::max(plan.arenaBytes, plan.lowerBound);
  for (const PlannedBuffer &buffer : plan.buffers) {
    steps = std::max(steps, buffer.last + 1);
    dataBytes = std::max(dataBytes, buffer.offset + buffer.bytes);
  }
  // An empty plan still gets a readable (if arbitrary) scale.
  if (dataBytes <= 0)
    dataBytes = 1024;

  // Byte axis: the largest binary unit the range reaches, then a round step
  // in that unit, so ticks read "4 KiB", "8 KiB" rather than "4.1 KB".
  double unit = 1;
  const char *unitName = "B";
  for (auto [size, name] : {std::pair<double, const char *>{1024.0, "KiB"},
                            {1024.0 * 1024, "MiB"},
                            {1024.0 * 1024 * 1024, "GiB"}})
    if (double(dataBytes) >= size) {
      unit = size;
      unitName = name;
    }
  double tick = niceStep(double(dataBytes) * 1.05 / unit / 7);
  if (unit == 1)
    tick = std::max(tick, 1.0);
  // Headroom below the arena line, rounded up to a whole tick.
  double axisBytes =
      std::ceil(double(dataBytes) * 1.05 / unit / tick) * tick * unit;
  double xScale = plotW / double(steps), yScale = plotH / axisBytes;
  auto xAt = [&](double step) { return left + step * xScale; };
  auto yAt = [&](double bytes) { return top + bytes * yScale; };

  std::string out;
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" font-family=\"Helvetica, Arial, "
      "sans-serif\" font-size=\"12\">\n",
      width, height, width, height);
  out += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" "
                     "fill=\"#ffffff\"/>\n",
                     width, height);
  out += fmt::format("<text x=\"{}\" y=\"26\" font-size=\"17\" "
                     "font-weight=\"bold\">Memory plan of @{}</text>\n",
                     left, xmlEscape(plan.function));
  out += fmt::format(
      "<text x=\"{}\" y=\"46\" fill=\"#555555\">{} buffer{} over {} step{}, "
      "reuse {}; hover a block for its producer, type, size and live "
      "range</text>\n",
      left, plan.buffers.size(), plan.buffers.size() == 1 ? "" : "s",
      plan.steps, plan.steps == 1 ? "" : "s",
      plan.reuse ? "on" : "off (--no-reuse)");

  // Legend for the two horizontal lines, top right.
  out += fmt::format(
      "<g font-size=\"11\" fill=\"#333333\">"
      "<line x1=\"{0:.1f}\" y1=\"42\" x2=\"{1:.1f}\" y2=\"42\" "
      "stroke=\"#c0392b\" stroke-width=\"1.6\" stroke-dasharray=\"6 4\"/>"
      "<text x=\"{2:.1f}\" y=\"46\">lower bound</text>"
      "<line x1=\"{3:.1f}\" y1=\"42\" x2=\"{4:.1f}\" y2=\"42\" "
      "stroke=\"#111111\" stroke-width=\"1.6\"/>"
      "<text x=\"{5:.1f}\" y=\"46\">arena end</text></g>\n",
      right - 220, right - 194, right - 188, right - 100, right - 74,
      right - 68);

  // Step grid and labels. Labels sit at cell centres, since a step is an
  // interval of time, at a round stride so they never crowd.
  int64_t stride = std::max<int64_t>(
      1, int64_t(niceStep(double(steps) / std::max(1.0, plotW / 38))));
  out += "<g stroke=\"#e3e3e3\" stroke-width=\"1\">";
  int64_t gridStride = steps <= 120 ? 1 : stride;
  for (int64_t s = 0; s <= steps; s += gridStride)
    out += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1}\" x2=\"{0:.2f}\" "
                       "y2=\"{2}\"/>",
                       xAt(double(s)), top, bottom);
  out += "</g>\n";
  out += "<g stroke=\"#f0f0f0\" stroke-width=\"1\">";
  for (double b = tick * unit; b < axisBytes + 0.5; b += tick * unit)
    out += fmt::format("<line x1=\"{0}\" y1=\"{1:.2f}\" x2=\"{2}\" "
                       "y2=\"{1:.2f}\"/>",
                       left, yAt(b), right);
  out += "</g>\n";

  // Buffers, with a label where the block has room for one. Labels go after
  // all blocks so that no block can cover one.
  std::string labels;
  for (size_t i : byOffset(plan)) {
    const PlannedBuffer &buffer = plan.buffers[i];
    if (buffer.last < buffer.first)
      continue;
    double x = xAt(double(buffer.first));
    double w = double(buffer.last + 1 - buffer.first) * xScale;
    double y = yAt(double(buffer.offset));
    // Keep tiny buffers visible: at least one unit tall.
    double h = std::max(1.0, double(buffer.bytes) * yScale);
    double hue = hueOf(i);
    std::string tooltip =
        fmt::format("#{} {}\n{}\n{} B ({}) at offset {}\nlive at steps {}", i,
                    buffer.producer.empty() ? "(no producer)" : buffer.producer,
                    buffer.type.empty() ? "(unknown type)" : buffer.type,
                    grouped(buffer.bytes), formatBytes(buffer.bytes),
                    grouped(buffer.offset), liveText(buffer));
    out += fmt::format(
        "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" "
        "fill=\"hsl({:.0f}, 62%, 68%)\" stroke=\"hsl({:.0f}, 45%, 38%)\" "
        "stroke-width=\"0.8\"><title>{}</title></rect>\n",
        x, y, w, h, hue, hue, xmlEscape(tooltip));
    if (h >= 14 && w >= 4 * labelCharW) {
      size_t fit = size_t((w - 8) / labelCharW);
      std::string label = fmt::format("#{}", i);
      if (!buffer.producer.empty() && fit > label.size() + 3)
        label += " " + shortProducer(buffer.producer, fit - label.size() - 1);
      std::string detail = fmt::format(
          "{}, steps {}", formatBytes(buffer.bytes), liveText(buffer));
      if (displayWidth(detail) > fit)
        detail = formatBytes(buffer.bytes);
      if (displayWidth(label) <= fit) {
        labels += fmt::format(
            "<text x=\"{:.2f}\" y=\"{:.2f}\" font-size=\"11\" "
            "font-family=\"Menlo, Consolas, monospace\" fill=\"#1a1a1a\" "
            "pointer-events=\"none\">{}",
            x + 4, y + std::min(h / 2 + 4, 14.0), xmlEscape(label));
        // A second line with the size where the block is tall enough.
        if (h >= 30 && displayWidth(detail) <= fit)
          labels += fmt::format("<tspan x=\"{:.2f}\" dy=\"13\" "
                                "fill=\"#404040\">{}</tspan>",
                                x + 4, xmlEscape(detail));
        labels += "</text>\n";
      }
    }
  }
  out += labels;
  if (plan.buffers.empty())
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
                       "font-size=\"15\" fill=\"#777777\">no intermediate "
                       "buffers</text>\n",
                       left + plotW / 2, top + plotH / 2);

  // Arena end (solid) and lower bound (dashed, drawn last so it shows when
  // the two coincide). The lower bound is never below the arena end, so its
  // label goes above its line and the arena's below: they cannot collide. White
  // halos keep them legible over the blocks.
  const char *halo = "stroke=\"#ffffff\" stroke-width=\"3\" "
                     "paint-order=\"stroke\" stroke-linejoin=\"round\"";
  if (!plan.buffers.empty()) {
    double arena = yAt(double(plan.arenaBytes));
    out += fmt::format("<line x1=\"{0}\" y1=\"{1:.2f}\" x2=\"{2}\" "
                       "y2=\"{1:.2f}\" stroke=\"#111111\" "
                       "stroke-width=\"1.6\"/>\n",
                       left, arena, right);
    out +=
        fmt::format("<text x=\"{:.1f}\" y=\"{:.2f}\" text-anchor=\"end\" "
                    "font-size=\"11\" fill=\"#111111\" {}>arena end "
                    "{}</text>\n",
                    right - 4, arena + 13, halo, formatBytes(plan.arenaBytes));
    double lb = yAt(double(plan.lowerBound));
    out += fmt::format("<line x1=\"{0}\" y1=\"{1:.2f}\" x2=\"{2}\" "
                       "y2=\"{1:.2f}\" stroke=\"#c0392b\" stroke-width=\"1.6\" "
                       "stroke-dasharray=\"6 4\"/>\n",
                       left, lb, right);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.2f}\" text-anchor=\"end\" "
                       "font-size=\"11\" fill=\"#c0392b\" {}>lower bound "
                       "{}</text>\n",
                       right - 4, lb - 4, halo, formatBytes(plan.lowerBound));
  }

  // Axes: frame, ticks and labels.
  out += fmt::format("<path d=\"M{0} {1} V{2} H{3} V{1} Z\" fill=\"none\" "
                     "stroke=\"#333333\" stroke-width=\"1\"/>\n",
                     left, top, bottom, right);
  out += "<g font-size=\"11\" fill=\"#333333\">\n";
  int decimals = decimalsFor(tick);
  for (int64_t k = 0;; ++k) {
    double value = double(k) * tick;
    double bytes = value * unit;
    if (bytes > axisBytes + 0.5)
      break;
    double y = yAt(bytes);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1:.2f}\" x2=\"{2}\" "
                       "y2=\"{1:.2f}\" stroke=\"#333333\"/>",
                       left - 5, y, left);
    // Round steps need few digits: "1 MiB", "1.5 MiB", not "1.0 MiB".
    std::string label = fmt::format("{:.{}f}", value, decimals);
    if (label.find('.') != std::string::npos) {
      label.erase(label.find_last_not_of('0') + 1);
      if (label.back() == '.')
        label.pop_back();
    }
    out += fmt::format("<text x=\"{}\" y=\"{:.2f}\" text-anchor=\"end\">"
                       "{}</text>\n",
                       left - 8, y + 4,
                       k == 0 ? std::string("0") : label + " " + unitName);
  }
  for (int64_t s = 0; s < steps; s += stride) {
    double x = xAt(double(s) + 0.5);
    out += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1}\" x2=\"{0:.2f}\" "
                       "y2=\"{2}\" stroke=\"#333333\"/>",
                       x, bottom, bottom + 5);
    out += fmt::format("<text x=\"{:.2f}\" y=\"{}\" text-anchor=\"middle\">"
                       "{}</text>\n",
                       x, bottom + 18, s);
  }
  out += "</g>\n";
  out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" "
                     "fill=\"#333333\">step (top-level op, time \u2192)"
                     "</text>\n",
                     left + plotW / 2, bottom + 38);
  out += fmt::format("<text transform=\"translate(22 {:.1f}) rotate(-90)\" "
                     "text-anchor=\"middle\" fill=\"#333333\">arena offset "
                     "(\u2193)</text>\n",
                     top + plotH / 2);

  // Caption: the summary numbers, as in the table's last line.
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#111111\">"
      "arena <tspan font-weight=\"bold\">{}</tspan> ({} B)  \u00b7  "
      "lower bound {} ({} B), ratio <tspan font-weight=\"bold\">{}</tspan>  "
      "\u00b7  naive {} ({} B), saves <tspan font-weight=\"bold\">{}</tspan>"
      "</text>\n",
      left, bottom + 72, formatBytes(plan.arenaBytes), grouped(plan.arenaBytes),
      formatBytes(plan.lowerBound), grouped(plan.lowerBound), ratioText(plan),
      formatBytes(plan.naiveBytes), grouped(plan.naiveBytes),
      xmlEscape(savingsText(plan)));
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#666666\">"
      "Each block is one buffer: its width is the steps it is live at, its "
      "height its size, its top its offset. Lower bound = the most bytes "
      "live at any one step.</text>\n",
      left, bottom + 94);
  out += "</svg>\n";
  return out;
}

} // namespace kiln

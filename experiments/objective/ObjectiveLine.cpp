#include "experiments/objective/ObjectiveLine.h"

#include <array>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

namespace tunelab {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Longest first, so "-Infinity" is not read as "-inf" and "inity".
const std::array<std::pair<std::string_view, double>, 8> kNonFiniteTokens = {{{"-Infinity", -kInf},
                                                                              {"Infinity", kInf},
                                                                              {"-NaN", kNaN},
                                                                              {"NaN", kNaN},
                                                                              {"-nan", kNaN},
                                                                              {"-inf", -kInf},
                                                                              {"nan", kNaN},
                                                                              {"inf", kInf}}};

std::optional<double> nonFiniteValue(std::string_view token) {
  for (const auto& [name, value] : kNonFiniteTokens) {
    if (name == token) return value;
  }
  return std::nullopt;
}

// The line with its bare non-finite tokens (outside strings) quoted, so JSON can read them.
std::string quoteNonFiniteTokens(std::string_view line) {
  std::string quoted;
  bool inString = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (inString) {
      quoted += c;
      if (c == '\\' && i + 1 < line.size()) {
        quoted += line[++i];
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') inString = true;
    bool replaced = false;
    for (const auto& [token, value] : kNonFiniteTokens) {
      if (line.substr(i, token.size()) == token) {
        quoted += '"';
        quoted += token;
        quoted += '"';
        i += token.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) quoted += c;
  }
  return quoted;
}

// nlohmann's message without its "[json.exception.parse_error.101] " prefix.
std::string plainMessage(const nlohmann::json::exception& e) {
  std::string text = e.what();
  if (const auto close = text.find("] ");
      text.starts_with("[json.exception") && close != std::string::npos) {
    text.erase(0, close + 2);
  }
  return printableExcerpt(text, 200);
}

// The JSON of the line, or why it is none.
std::pair<nlohmann::json, std::string> readJson(std::string_view line) {
  try {
    return {nlohmann::json::parse(line), ""};
  } catch (const nlohmann::json::out_of_range& e) {
    // 406: a number beyond a double's range, such as 1e999.
    const std::string message = plainMessage(e);
    const auto quote = message.find('\'');
    const std::string number = quote == std::string::npos ? std::string("a number")
                                                          : "the number " + message.substr(quote);
    return {nullptr, number + " is out of range: a JSON number must fit a double (write " +
                         "Infinity for an infinite value)"};
  } catch (const nlohmann::json::exception& e) {
    const std::string withTokens = quoteNonFiniteTokens(line);
    if (withTokens != line) {
      auto json = nlohmann::json::parse(withTokens, nullptr, false);
      if (!json.is_discarded()) return {std::move(json), ""};
    }
    return {nullptr, "not valid JSON: " + plainMessage(e)};
  }
}

std::string describeValue(const nlohmann::json& value) {
  if (value.is_string()) {
    return "the string \"" + printableExcerpt(value.get<std::string>(), 40) + "\"";
  }
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_null()) return "null";
  if (value.is_array()) return "a list";
  return "an object";
}

ObjectiveLine valuesOf(const nlohmann::json& object) {
  ObjectiveLine parsed;
  parsed.kind = ObjectiveLine::Kind::Values;
  for (const auto& [name, value] : object.items()) {
    if (value.is_number()) {
      parsed.numbers[name] = value.get<double>();
    } else if (auto nonFinite =
                   value.is_string() ? nonFiniteValue(value.get<std::string>()) : std::nullopt) {
      parsed.numbers[name] = *nonFinite;
    } else {
      parsed.others[name] = describeValue(value);
    }
  }
  return parsed;
}

bool mayBeJsonValue(char first) {
  return first == '[' || first == '"' || first == '-' || (first >= '0' && first <= '9');
}

}  // namespace

std::string printableExcerpt(std::string_view text, std::size_t most) {
  std::string out;
  for (const char c : text.substr(0, most)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      std::array<char, 5> escaped{};
      std::snprintf(escaped.data(), escaped.size(), "\\x%02x", byte);
      out += escaped.data();
    }
  }
  if (text.size() > most) out += "...";
  return out;
}

ObjectiveLine parseObjectiveLine(std::string_view line) {
  const auto start = line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return {};
  const char first = line[start];
  if (first != '{') {
    if (!mayBeJsonValue(first) || line.size() > kMaxObjectiveLineBytes) return {};
    auto json = nlohmann::json::parse(line, nullptr, false);
    ObjectiveLine parsed;
    if (!json.is_discarded()) parsed.kind = ObjectiveLine::Kind::NotObject;
    return parsed;
  }
  ObjectiveLine parsed;
  parsed.kind = ObjectiveLine::Kind::Invalid;
  if (line.size() > kMaxObjectiveLineBytes) {
    parsed.problem = "a line longer than " + std::to_string(kMaxObjectiveLineBytes >> 20) +
                     " MiB, the most a JSON line may have";
    return parsed;
  }
  auto [json, problem] = readJson(line);
  if (!problem.empty()) {
    parsed.problem = std::move(problem);
    return parsed;
  }
  if (!json.is_object()) {
    parsed.problem = "not valid JSON: it starts with '{' but is no object";
    return parsed;
  }
  return valuesOf(json);
}

}  // namespace tunelab

#include "experiments/config/YamlScalar.h"

#include <cctype>
#include <charconv>
#include <initializer_list>

namespace tunelab {

namespace {

bool isAnyOf(const std::string& s, std::initializer_list<const char*> options) {
  for (const char* o : options) {
    if (s == o) return true;
  }
  return false;
}

std::size_t skipDigits(const std::string& s, std::size_t i) {
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) ++i;
  return i;
}

// YAML 1.2 core: [-+]?[0-9]+
bool isIntegerText(const std::string& s) {
  const std::size_t start = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  return s.size() > start && skipDigits(s, start) == s.size();
}

// YAML 1.2 core: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool isFloatText(const std::string& s) {
  std::size_t i = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  const std::size_t integerEnd = skipDigits(s, i);
  bool digits = integerEnd > i;
  i = integerEnd;
  if (i < s.size() && s[i] == '.') {
    const std::size_t fractionEnd = skipDigits(s, i + 1);
    digits = digits || fractionEnd > i + 1;
    i = fractionEnd;
  }
  if (!digits) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t exponentEnd = skipDigits(s, i);
    if (exponentEnd == i) return false;
    i = exponentEnd;
  }
  return i == s.size();
}

TypedScalar typedNumber(const std::string& text) {
  const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
  const char* end = text.data() + text.size();
  if (isIntegerText(text)) {
    long long integer = 0;
    if (auto [p, ec] = std::from_chars(begin, end, integer); ec == std::errc() && p == end) {
      return {integer, ""};
    }
    unsigned long long large = 0;
    if (auto [p, ec] = std::from_chars(begin, end, large); ec == std::errc() && p == end) {
      return {large, ""};
    }
  }
  double real = 0.0;
  if (auto [p, ec] = std::from_chars(begin, end, real); ec == std::errc() && p == end) {
    return {real, ""};
  }
  return {nullptr, "the number " + text +
                       " is beyond what a double holds (magnitudes from about 2.2e-308 to "
                       "1.8e308, or 0)"};
}

}  // namespace

TypedScalar typePlainScalar(const std::string& text) {
  if (isAnyOf(text, {"", "~", "null", "Null", "NULL"})) return {nullptr, ""};
  if (isAnyOf(text, {"true", "True", "TRUE"})) return {true, ""};
  if (isAnyOf(text, {"false", "False", "FALSE"})) return {false, ""};
  if (isAnyOf(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                     ".nan", ".NaN", ".NAN"})) {
    return {nullptr, text +
                         " is not a finite number, and no setting takes one; write it in quotes "
                         "('" +
                         text + "') if you mean the text"};
  }
  if (isFloatText(text)) return typedNumber(text);
  return {text, ""};
}

}  // namespace tunelab

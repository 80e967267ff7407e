#pragma once

#include <cstdint>

// What the replacement operator new of tests/support/CountedNew.cpp has counted, in the test
// executables that compile it in (tests/CMakeLists.txt names them). Under the sanitizers,
// which replace operator new themselves, nothing is counted: check test::kSanitized first.
namespace tunelab::test {

/// Bytes held now (malloc's usable size of each live block).
std::int64_t liveBytes();
/// The most ever held since the last resetPeakBytes().
std::int64_t peakBytes();
void resetPeakBytes();
/// Calls to operator new so far.
std::int64_t allocations();

}  // namespace tunelab::test

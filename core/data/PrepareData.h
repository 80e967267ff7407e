#pragma once

#include <cstdint>
#include <filesystem>

#include "core/Export.h"
#include "core/data/CsvReader.h"
#include "core/data/DataSpec.h"
#include "core/data/Dataset.h"
#include "core/data/DatasetResolver.h"
#include "core/data/Preprocessor.h"

namespace tunelab {

/// Model-ready train / validation / test sets and the preprocessing fitted on train.
struct PreparedData {
  Dataset train;
  Dataset validation;
  Dataset test;
  std::vector<std::size_t> testLines;  // CSV: the test rows' 1-based lines in their file
  Preprocessor preprocessor;
  std::filesystem::path resolvedSource;
  std::vector<std::string> warnings;  // about the data, one line each (core/data/DataSanity.h)
};

/// Finds, reads, splits (seeded; stratified for classification) and preprocesses the data a
/// DataSpec describes; every transform is fitted on the training rows only. Throws DataError
/// (file problems, naming file and line) or ConfigError (settings that do not fit the data,
/// with key paths relative to the data section).
/// How the CSV files of `spec` are read (delimiter, missing-value markers, column types).
TUNELAB_API CsvOptions csvOptionsFor(const DataSpec& spec);

TUNELAB_API PreparedData prepareData(const DataSpec& spec, const DataLocations& where,
                                     std::uint64_t seed);

}  // namespace tunelab

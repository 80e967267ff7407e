#pragma once

#include <pybind11/pybind11.h>

#include <nlohmann/json.hpp>

namespace tunelab::python {

/// A JSON value as a Python object (dict, list, str, int, float, bool, None). Call with the GIL.
pybind11::object toPython(const nlohmann::json& value);

/// A Python value as JSON, keys in the dict's order: dict (str keys), list, tuple, str, bool,
/// int, float, None, and anything with __float__ (NumPy scalars). Throws TunelabFailure naming
/// the type of anything else.
nlohmann::ordered_json toJson(const pybind11::handle& value);

}  // namespace tunelab::python

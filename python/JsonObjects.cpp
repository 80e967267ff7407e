#include "python/JsonObjects.h"

#include <string>

#include "python/Bindings.h"

namespace py = pybind11;

namespace tunelab::python {

py::object toPython(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      py::dict dict;
      for (const auto& [key, item] : value.items()) dict[py::str(key)] = toPython(item);
      return dict;
    }
    case nlohmann::json::value_t::array: {
      py::list list;
      for (const auto& item : value) list.append(toPython(item));
      return list;
    }
    case nlohmann::json::value_t::string:
      return py::str(value.get<std::string>());
    case nlohmann::json::value_t::boolean:
      return py::bool_(value.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(value.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(value.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(value.get<double>());
    default:
      return py::none();
  }
}

nlohmann::ordered_json toJson(const py::handle& value) {
  if (value.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) return value.cast<std::int64_t>();
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::dict>(value)) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const auto& [key, item] : value.cast<py::dict>()) {
      object[py::str(key).cast<std::string>()] = toJson(item);
    }
    return object;
  }
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& item : value) array.push_back(toJson(item));
    return array;
  }
  if (py::hasattr(value, "__index__"))
    return py::int_(value.attr("__index__")()).cast<std::int64_t>();
  if (py::hasattr(value, "__float__")) return py::float_(value.attr("__float__")()).cast<double>();
  throw TunelabFailure("cannot use a value of type " +
                       py::str(value.get_type().attr("__name__")).cast<std::string>() +
                       " here: use numbers, strings, booleans, lists and dicts");
}

}  // namespace tunelab::python

#include "python/PythonStream.h"

namespace py = pybind11;

namespace tunelab::python {

PythonLineStream::PythonLineStream(py::object file)
    : std::ostream(nullptr), buffer_(std::move(file)) {
  rdbuf(&buffer_);
}

PythonLineStream::~PythonLineStream() = default;

PythonLineStream::Buffer::~Buffer() {
  const py::gil_scoped_acquire gil;
  emit();
  file_ = py::object();  // released while the GIL is held
}

PythonLineStream::Buffer::int_type PythonLineStream::Buffer::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  line_ += traits_type::to_char_type(c);
  if (line_.back() == '\n' || line_.back() == '\r') sync();
  return c;
}

int PythonLineStream::Buffer::sync() {
  const py::gil_scoped_acquire gil;
  emit();
  return 0;
}

void PythonLineStream::Buffer::emit() {
  if (line_.empty()) return;
  try {
    file_.attr("write")(line_);
    file_.attr("flush")();
  } catch (const py::error_already_set& e) {
    // A closed or broken sys.stdout loses the progress line, not the study.
  }
  line_.clear();
}

}  // namespace tunelab::python

#pragma once

#include <pybind11/pybind11.h>

#include <ostream>
#include <streambuf>
#include <string>

namespace tunelab::python {

/// An ostream whose complete lines go to a Python file object (sys.stdout), so a notebook
/// shows them; each line takes the GIL, so the engine may write from a thread that released it.
class PythonLineStream : public std::ostream {
 public:
  explicit PythonLineStream(pybind11::object file);
  ~PythonLineStream() override;
  PythonLineStream(const PythonLineStream&) = delete;
  PythonLineStream& operator=(const PythonLineStream&) = delete;

 private:
  class Buffer : public std::streambuf {
   public:
    explicit Buffer(pybind11::object file) : file_(std::move(file)) {}
    ~Buffer() override;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

   protected:
    int_type overflow(int_type c) override;
    int sync() override;

   private:
    void emit();
    pybind11::object file_;
    std::string line_;
  };
  Buffer buffer_;
};

}  // namespace tunelab::python

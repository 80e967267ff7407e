#pragma once

#include <iosfwd>
#include <string>

namespace tunelab {

class LoadedModel;

/// The ONNX operator set the exported graph imports (ONNX 1.12's newest), and the ai.onnx.ml
/// one its one-hot encoders use (imported only by models with categorical columns).
inline constexpr int kOnnxOpset = 17;
inline constexpr int kOnnxMlOpset = 3;

/// Writes `model` as an ONNX model (binary protobuf): the whole pipeline `tunelab predict`
/// applies, from the raw columns (see OnnxPreprocessing.h for the inputs) through every layer
/// in inference form to "probabilities" [batch, 1] (binary: the second class's) or
/// [batch, classes], or "predictions" [batch, targets] in the target's own units. Throws Error
/// naming a layer or activation ONNX export does not know, or a model trained on images.
void exportOnnx(const LoadedModel& model, std::ostream& out);

}  // namespace tunelab

namespace tunelab {

/// The inputs and outputs of a serialized ONNX model, one line each ("  input  features:
/// float32 [batch, 10]: <its doc>"), for the command to tell the user what to feed it.
std::string describeOnnxInterface(const std::string& serialized);

}  // namespace tunelab

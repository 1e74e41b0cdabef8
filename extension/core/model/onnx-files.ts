// Where a model folder keeps its ONNX graph for each quantization. A module of its own so that code
// which only looks at folders (which models are installed) does not load onnxruntime with the engine.
import type { Quantization } from './fingerprint.ts';

/** ONNX files a quantization may use, in order of preference (Hugging Face export names). */
export const ONNX_FILES: Readonly<Record<Quantization, readonly string[]>> = {
  fp32: ['onnx/model.onnx', 'model.onnx'],
  int8: ['onnx/model_quantized.onnx', 'onnx/model_int8.onnx', 'onnx/model_uint8.onnx', 'model_quantized.onnx'],
};

/**
 * ONNX IR files: reading and writing {@code ModelProto} (through the generated {@code
 * onnx_ir.proto} classes), tensor decoding and encoding, typed attribute access and a model's
 * inspection summary.
 */
package dev.plora.engine.onnx;

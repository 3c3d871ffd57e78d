/**
 * ONNX operator kernels on DJL NDArrays: one op, or one tight family of ops, per class. Semantics
 * follow the ONNX operator specification (numpy broadcasting, negative axes, opset-dependent
 * signatures); {@link dev.plora.engine.runtime.ops.StandardOps} registers them.
 */
package dev.plora.engine.runtime.ops;

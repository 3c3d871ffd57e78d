/**
 * Executes ONNX graphs op by op on DJL NDArrays (PyTorch engine) so that gradients flow: the {@link
 * dev.plora.engine.runtime.GraphExecutor}, the kernel contract and the op registry. The kernels
 * themselves live in {@code runtime.ops}, one op or one tight op family per class.
 */
package dev.plora.engine.runtime;

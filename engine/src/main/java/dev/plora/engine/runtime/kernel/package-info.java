/**
 * What a kernel is and how kernels are found: {@link dev.plora.engine.runtime.kernel.OpKernel}, the
 * context it runs in, the registry keyed by op type and opset, and the errors of execution. Kernels
 * live in {@code runtime.ops}; the executor in {@code runtime}.
 */
package dev.plora.engine.runtime.kernel;

package dev.plora.engine.runtime.ops;

import static dev.plora.engine.base.OwnedArrays.scalar;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Gelu} (opset 20): {@code 0.5·x·(1 + erf(x/√2))}, or with {@code approximate="tanh"} {@code
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}.
 */
final class Gelu implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray x = in[0];
    String approximate = ctx.attributes().getString("approximate", "none");
    NDArray inner;
    switch (approximate) {
      case "none":
        inner = x.div(scalar(x, Math.sqrt(2.0))).erf();
        break;
      case "tanh":
        inner =
            x.add(x.mul(x).mul(x).mul(scalar(x, 0.044715)))
                .mul(scalar(x, Math.sqrt(2.0 / Math.PI)))
                .tanh();
        break;
      default:
        throw ctx.error("approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
    }
    return new NDArray[] {x.mul(inner.add(scalar(x, 1))).mul(scalar(x, 0.5))};
  }
}

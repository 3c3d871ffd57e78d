package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.plora.engine.runtime.kernel.OpRegistry;

/**
 * Registers every op plora executes, with the first opset each is supported from: all ops of
 * all-MiniLM-L6-v2 plus what standard BERT, RoBERTa, DistilBERT, GPT-2 and ViT exports use.
 */
public final class StandardOps {
  private StandardOps() {}

  /** A registry holding every op plora implements. */
  public static OpRegistry registry() {
    OpRegistry r = new OpRegistry();
    registerAll(r);
    return r;
  }

  private static void registerAll(OpRegistry r) {
    // What the graph optimiser (runtime.optimize) fuses decomposed patterns into.
    r.registerFused("LayerNorm", new FusedLayerNorm());
    r.registerFused("Gelu", new FusedGelu());
    r.registerFused("Linear", new FusedLinear());
    r.registerFused("Attention", new FusedAttention());
    // Elementwise arithmetic and comparisons (numpy broadcasting).
    r.register("Add", 1, new Binary(NDArray::add));
    r.register("Sub", 1, new Binary(NDArray::sub));
    r.register("Mul", 1, new Binary(NDArray::mul));
    r.register("Div", 1, new Div());
    r.register("Pow", 1, new Pow());
    r.register("Equal", 1, new Binary(NDArray::eq));
    r.register("Less", 1, new Binary(NDArray::lt));
    r.register("Greater", 1, new Binary(NDArray::gt));
    r.register("Max", 1, new Variadic(NDArray::maximum));
    r.register("Min", 1, new Variadic(NDArray::minimum));

    // Elementwise functions.
    r.register("Sqrt", 1, new Unary(NDArray::sqrt));
    r.register("Erf", 9, new Unary(NDArray::erf));
    r.register("Exp", 1, new Unary(NDArray::exp));
    r.register("Log", 1, new Unary(NDArray::log));
    r.register("Neg", 1, new Unary(NDArray::neg));
    r.register("Abs", 1, new Unary(NDArray::abs));
    r.register("Tanh", 1, new Unary(NDArray::tanh));
    r.register("Relu", 1, new Unary(Activation::relu));
    r.register("Sigmoid", 1, new Unary(Activation::sigmoid));
    r.register("Not", 1, new Unary(NDArray::logicalNot));
    r.register("Gelu", 20, new Gelu());
    r.register("Identity", 1, new Identity());
    r.register("Dropout", 1, new Dropout());
    r.register("Cast", 1, new Cast());

    // Linear algebra and normalisation.
    r.register("MatMul", 1, new MatMul());
    r.register("Gemm", 1, new Gemm());
    r.register("Softmax", 1, new Softmax());
    r.register("LayerNormalization", 17, new LayerNormalization());
    r.register("Conv", 1, new Conv());
    r.register("ReduceSum", 1, new Reduce(Reduce.Kind.SUM, 13));
    r.register("ReduceMean", 1, new Reduce(Reduce.Kind.MEAN, 18));
    r.register("ReduceMax", 1, new Reduce(Reduce.Kind.MAX, 18));

    // Shapes, indexing and constants.
    r.register("Shape", 1, new ShapeOf());
    r.register("Reshape", 1, new Reshape());
    r.register("Unsqueeze", 1, new Unsqueeze());
    r.register("Squeeze", 1, new Squeeze());
    r.register("Transpose", 1, new Transpose());
    r.register("Flatten", 1, new Flatten());
    r.register("Expand", 8, new Expand());
    r.register("Concat", 1, new Concat());
    r.register("Split", 1, new Split());
    r.register("Slice", 1, new Slice());
    r.register("Gather", 1, new Gather());
    r.register("Where", 9, new Where());
    r.register("Constant", 1, new Constant());
    r.register("ConstantOfShape", 9, new ConstantOfShape());
    r.register("Range", 11, new Range());
  }
}

package dev.plora.engine.lora;

import static dev.plora.engine.base.OwnedArrays.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.config.Pooling;
import java.util.List;
import java.util.Random;

/**
 * Sequence classification: pooling over the token states, then a linear layer to the labels.
 * Parameters in PyTorch's {@code nn.Linear} layout: {@code classifier.weight [L, H]} (normal, std
 * 0.02) and {@code classifier.bias [L]} (zeros).
 */
public final class ClassificationHead {
  public static final String WEIGHT = "classifier.weight";
  public static final String BIAS = "classifier.bias";

  private final Pooling pooling;
  private final Parameter weight;
  private final Parameter bias;

  public ClassificationHead(
      long hidden, int labels, Pooling pooling, NDManager manager, long seed) {
    this.pooling = pooling;
    Random random = new Random(java.util.Objects.hash(seed, "classifier"));
    float[] w = new float[Math.toIntExact(labels * hidden)];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (0.02 * random.nextGaussian());
    }
    this.weight =
        new Parameter(WEIGHT, manager.create(w, new Shape(labels, hidden)), manager, 1.0, true);
    this.bias = new Parameter(BIAS, manager.zeros(new Shape(labels)), manager, 1.0, false);
  }

  public Pooling pooling() {
    return pooling;
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }

  public List<Parameter> parameters() {
    return List.of(weight, bias);
  }

  /**
   * @param hidden token states {@code [B, T, H]}
   * @param attentionMask {@code [B, T]} int64, 1 for real tokens
   * @return logits {@code [B, L]}
   */
  public NDArray forward(NDArray hidden, NDArray attentionMask) {
    NDArray pooled;
    if (pooling == Pooling.FIRST) {
      pooled = hidden.get(new NDIndex(":, 0, :")); // [B, H]
    } else {
      NDArray m = attentionMask.toType(hidden.getDataType(), false).expandDims(2); // [B, T, 1]
      NDArray sum = hidden.mul(m).sum(new int[] {1}); // [B, H]
      NDArray count = m.sum(new int[] {1}).maximum(scalar(m, 1)); // [B, 1]
      pooled = sum.div(count);
    }
    return pooled.matMul(weight.value().transpose()).add(bias.value()); // [B, L]
  }

  /**
   * Cross-entropy of logits {@code [B, L]} against label indices {@code [B]} (mean over the batch).
   */
  public static NDArray loss(NDArray logits, NDArray labels) {
    NDArray logp = logits.logSoftmax(1);
    NDArray picked = logp.mul(labels.oneHot((int) logits.getShape().get(1), DataType.FLOAT32));
    NDArray total = picked.sum().neg();
    return total.div(scalar(total, logits.getShape().get(0)));
  }
}

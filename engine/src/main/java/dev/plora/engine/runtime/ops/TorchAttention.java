package dev.plora.engine.runtime.ops;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * PyTorch's {@code scaled_dot_product_attention} (fused kernel and backward) reached through a
 * TorchScript module, since DJL's API has no such op. The module ({@code attention.pt}, written by
 * {@code engine/src/build/make-attention-module.py}) is loaded once per process and holds no
 * parameters; it runs on whatever device its inputs are on.
 */
final class TorchAttention {
  private static final String RESOURCE = "attention.pt";
  private static Block block;
  private static Model model;

  private TorchAttention() {}

  /**
   * {@code softmax(q·ktᵀ·scale + mask)·v} with q, v {@code [batch, heads, seq, dim]}, kt {@code
   * [batch, heads, dim, seq]} and an additive mask broadcastable to the scores.
   */
  static NDArray apply(NDArray q, NDArray kt, NDArray v, NDArray mask, float scale) {
    NDArray s = q.getManager().create(scale).toDevice(q.getDevice(), false);
    return block()
        .forward(new ParameterStore(q.getManager(), false), new NDList(q, kt, v, mask, s), true)
        .singletonOrThrow();
  }

  private static synchronized Block block() {
    if (block == null) {
      try (InputStream in = TorchAttention.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the engine jar has no " + RESOURCE);
        }
        Path dir = Files.createTempDirectory("plora-attention");
        Path file = dir.resolve(RESOURCE);
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        Model m = Model.newInstance("plora-attention", "PyTorch");
        m.load(dir, RESOURCE);
        Files.delete(file);
        Files.delete(dir);
        model = m; // kept for the process's lifetime: it owns the module
        block = m.getBlock();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load the fused attention module: " + e, e);
      } catch (MalformedModelException e) {
        throw new IllegalStateException("cannot load the fused attention module: " + e, e);
      }
    }
    return block;
  }
}

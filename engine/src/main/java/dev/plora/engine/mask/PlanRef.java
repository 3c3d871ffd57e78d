package dev.plora.engine.mask;

import dev.plora.engine.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where training reads its masks from, resolved from what a user named: a plan directory (its
 * {@code masks.safetensors} and the plan's rank) or a bare masks file (rank unknown). The one place
 * that knows a plan directory's layout for training.
 *
 * @param rank the plan's rank, or null for a bare masks file
 */
public record PlanRef(Path masksFile, Integer rank) {
  public static PlanRef of(Path path) {
    if (Files.isDirectory(path)) {
      if (!Files.isRegularFile(path.resolve(MaskPlan.PLAN))) {
        throw new ConfigException(
            "masks.file", "names a directory without a " + MaskPlan.PLAN + ": " + path);
      }
      return new PlanRef(path.resolve(MaskPlan.MASKS), MaskPlan.rankOf(path));
    }
    if (!Files.isRegularFile(path)) {
      throw new ConfigException("masks.file", "names no plan directory or masks file: " + path);
    }
    return new PlanRef(path, null);
  }

  /**
   * The rank to train at: the plan's; {@code explicit} when the plan has none (a bare file), else
   * {@code fallback}. An explicit rank that contradicts the plan's is an error.
   */
  public int rank(Integer explicit, int fallback) {
    if (rank != null) {
      if (explicit != null && !explicit.equals(rank)) {
        throw new ConfigException(
            "lora.rank",
            "is "
                + explicit
                + " but the plan's rank is "
                + rank
                + " ("
                + masksFile.getParent()
                + ")");
      }
      return rank;
    }
    return explicit != null ? explicit : fallback;
  }
}

package dev.plora.engine.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.nio.file.Path;

/** Where a training run's adapter masks come from. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = MaskSource.Uniform.class, name = "uniform"),
  @JsonSubTypes.Type(value = MaskSource.File.class, name = "file")
})
public sealed interface MaskSource {
  /** Dense LoRA: every entry trains. */
  static MaskSource dense() {
    return new Uniform(1.0, 0);
  }

  /**
   * The same density in every target, entries chosen uniformly at random.
   *
   * @param density in (0, 1]; 1 is dense LoRA
   */
  record Uniform(double density, long seed) implements MaskSource {
    public Uniform {
      Check.positive("masks.density", density, 1, true);
    }
  }

  /**
   * Masks read from a safetensors file ({@code <module>.lora_A_mask}, {@code
   * <module>.lora_B_mask}), such as a plan's {@code masks.safetensors}.
   */
  record File(Path path) implements MaskSource {
    public File {
      if (path == null) {
        throw new ConfigException("masks.file", "must name a masks file");
      }
    }
  }
}

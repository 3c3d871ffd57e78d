package dev.plora.engine.export;

import java.util.Arrays;

/** What {@code plora export} writes. */
public enum ExportFormat {
  /** One .onnx file: W0 + (alpha/r)·AᵀBᵀ in place of each target weight, plus the head. */
  ONNX_MERGED("onnx-merged"),
  /**
   * A HuggingFace PEFT LoRA adapter directory (plus the masks, so training can continue sparse).
   */
  PEFT("peft"),
  /** Only the kept adapter entries (indices + values), versioned. */
  SPARSE("sparse");

  private final String cliName;

  ExportFormat(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static ExportFormat parse(String s) {
    return Arrays.stream(values())
        .filter(f -> f.cliName.equals(s))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the export format must be one of onnx-merged, peft, sparse; got '" + s + "'"));
  }
}

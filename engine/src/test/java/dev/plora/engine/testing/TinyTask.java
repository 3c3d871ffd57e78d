package dev.plora.engine.testing;

import dev.plora.engine.config.TextFields;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.onnx.OnnxModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small generated task for training tests: a tiny BERT over MiniLM's vocabulary (so the real
 * tokenizer applies) and short texts labelled by whether they praise or complain.
 */
public final class TinyTask {
  private static final String[] GOOD = {"great", "good", "excellent", "lovely", "wonderful"};
  private static final String[] BAD = {"awful", "bad", "terrible", "poor", "horrible"};
  private static final String[] FILLER = {
    "the", "food", "service", "room", "was", "really", "quite", "and", "staff", "view"
  };

  private TinyTask() {}

  public static OnnxModel model(long seed) {
    return new TinyBert(30522, 16, 2, 1, 32, 64, 14, false, seed).build();
  }

  /** Writes {@code n} labelled examples ("pos"/"neg") as JSONL and reads them back. */
  public static Dataset dataset(Path dir, String name, int n, long seed) {
    Random r = new Random(seed);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean pos = i % 2 == 0;
      StringBuilder text = new StringBuilder();
      int len = 3 + r.nextInt(5);
      int at = r.nextInt(len);
      for (int w = 0; w < len; w++) {
        text.append(w == at ? (pos ? GOOD : BAD)[r.nextInt(5)] : FILLER[r.nextInt(FILLER.length)])
            .append(' ');
      }
      lines.add(
          "{\"text\": \""
              + text.toString().trim()
              + "\", \"label\": \""
              + (pos ? "pos" : "neg")
              + "\"}");
    }
    try {
      Path file = dir.resolve(name);
      Files.write(file, lines);
      return Dataset.read(file, TextFields.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

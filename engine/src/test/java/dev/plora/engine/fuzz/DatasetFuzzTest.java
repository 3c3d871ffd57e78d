package dev.plora.engine.fuzz;

import dev.plora.engine.config.TextFields;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.DatasetException;
import dev.plora.engine.testing.FuzzHarness;
import dev.plora.engine.testing.Mutator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated JSONL, CSV and TSV datasets: text-level mutations (a byte-order mark, malformed UTF-8,
 * line ends and quotes in odd places, extreme numbers, deep nesting, over-long lines) on top of the
 * byte-level ones. A clean refusal names the file. The line limit is lowered for the run, so that
 * mutants reach it.
 */
class DatasetFuzzTest {
  private static final String LINE_LIMIT = "plora.dataset.maxLineChars";
  private static final TextFields FIELDS = new TextFields("text", "text_pair", "label");

  @TempDir Path dir;

  @BeforeEach
  void lowerTheLineLimit() {
    System.setProperty(LINE_LIMIT, "300");
  }

  @AfterEach
  void restoreTheLineLimit() {
    System.clearProperty(LINE_LIMIT);
  }

  @Test
  @Timeout(120)
  void jsonl() {
    fuzz(
        "jsonl",
        "{\"text\": \"great food\", \"label\": \"pos\"}\n"
            + "{\"text\": \"caf\u00e9 \u2014 bad\", \"text_pair\": \"x\", \"label\": 0}\r\n"
            + "\n"
            + "{\"text\": 12.5, \"label\": 1, \"extra\": [1, {\"a\": null}]}\n");
  }

  @Test
  @Timeout(120)
  void csv() {
    fuzz(
        "csv",
        "text,text_pair,label\n"
            + "\"good, really\",,pos\r\n"
            + "\"multi\nline \"\"quoted\"\"\",b,neg\n"
            + "caf\u00e9,,1\n");
  }

  @Test
  @Timeout(120)
  void tsv() {
    fuzz("tsv", "text\tlabel\ngood\tpos\n\"tab\there\"\tneg\n");
  }

  private void fuzz(String extension, String seed) {
    Mutator mutator =
        Mutator.bytes()
            .with(
                Mutator.insertToken(Mutator.textTokens()),
                Mutator.insertToken(Mutator.textTokens()),
                Mutator.insertToken(Mutator.textTokens()),
                Mutator::decimalNumber,
                Mutator.insertRun((byte) 'x', 700),
                Mutator.insertRun((byte) '[', 3000));
    Path file = dir.resolve("mutant." + extension);
    FuzzHarness.run(
        extension,
        List.of(seed.getBytes(StandardCharsets.UTF_8)),
        mutator,
        1000,
        t -> t instanceof DatasetException && t.getMessage().startsWith(file + ":"),
        bytes -> {
          Files.write(file, bytes);
          Dataset.read(file, FIELDS);
        });
  }
}

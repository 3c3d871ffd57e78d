package dev.plora.jobs;

import dev.plora.engine.testing.FuzzHarness;
import dev.plora.engine.testing.Mutator;
import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.StrategySpec;
import dev.plora.proto.v1.TrialsSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated JobSpec JSON through admission as the gateway and the CLI do it: strict proto3 JSON
 * parsing, defaults, validation against an artifact store. Clean refusals are the parser's own
 * {@link IllegalArgumentException} and {@link InvalidSpecException}; anything else (a subclass the
 * parser let through, an index out of bounds, a stack overflow on deep nesting) is a bug.
 */
class JobSpecFuzzTest {
  @TempDir Path dir;

  @Test
  @Timeout(120)
  void everyMutantIsAdmittedOrRefusedWithASpecError() throws Exception {
    ArtifactStore store = new ArtifactStore(dir, false);
    Files.createDirectories(dir.resolve("uploads"));
    Files.writeString(dir.resolve("uploads/train.jsonl"), "{\"text\":\"a\",\"label\":\"x\"}\n");
    JobSpec spec =
        JobSpecs.withDefaults(
            JobSpec.newBuilder()
                .setClientJobId("c-1")
                .setDataset(DatasetSpec.newBuilder().setTrainUri("uploads/train.jsonl"))
                .setStrategy(StrategySpec.newBuilder().setKind("uniform"))
                .setTrials(TrialsSpec.newBuilder().addSeeds(1).addSeeds(2).addDensities(0.5))
                .build());
    List<byte[]> seeds =
        List.of(
            utf8(ProtoJson.print(spec)),
            utf8(ProtoJson.pretty(spec)),
            utf8(
                "{\"client_job_id\":\"c-2\",\"dataset\":{\"train_uri\":\"uploads/train.jsonl\"},"
                    + "\"lora\":{\"rank\":4,\"targets\":[\"query\"]},"
                    + "\"training\":{\"seed\":\"7\",\"learning_rate\":1e-3}}"));
    Mutator mutator =
        Mutator.bytes()
            .with(
                Mutator.insertToken(Mutator.textTokens()),
                Mutator.insertToken(Mutator.textTokens()),
                Mutator::decimalNumber,
                Mutator::decimalNumber,
                JobSpecFuzzTest::replaceWord,
                Mutator.insertRun((byte) '[', 5000),
                Mutator.insertRun((byte) '{', 200));
    FuzzHarness.run(
        "jobspec",
        seeds,
        mutator,
        2500,
        t -> t instanceof InvalidSpecException || t.getClass() == IllegalArgumentException.class,
        bytes -> {
          String json = new String(bytes, StandardCharsets.UTF_8);
          JobSpec parsed = ProtoJson.parse(json, JobSpec.newBuilder()).build();
          JobSpecs.validate(JobSpecs.withDefaults(parsed), store);
        });
  }

  private static final String[] WORDS = {
    "\"uniform\"",
    "\"dense\"",
    "\"imp\"",
    "\"partial-lora\"",
    "\"peft\"",
    "\"gpu\"",
    "\"uploads/train.jsonl\"",
    "\"../x\"",
    "\"/etc/passwd\"",
    "\"file:///etc/passwd\"",
    "\"a\\u0000b\"",
    "\"\"",
    "null",
    "true",
    "[]",
    "{}",
    "\"NaN\"",
    "\"Infinity\"",
    "-1e309",
  };

  /** A quoted value or literal replaced by another that admission treats specially. */
  private static byte[] replaceWord(byte[] in, Random r) {
    String text = new String(in, StandardCharsets.ISO_8859_1);
    int at = text.indexOf(':', r.nextInt(Math.max(1, text.length())));
    if (at < 0) {
      return in;
    }
    int end = at + 1;
    while (end < text.length() && ",}]".indexOf(text.charAt(end)) < 0) {
      end++;
    }
    byte[] word = WORDS[r.nextInt(WORDS.length)].getBytes(StandardCharsets.ISO_8859_1);
    return Mutator.splice(in, at + 1, end - at - 1, word);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

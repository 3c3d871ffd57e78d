package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.proto.v1.JobSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proto-JSON is bounded before it is parsed; a path the file system refuses is a spec error. */
class JsonBoundsTest {
  @TempDir Path dir;

  @AfterEach
  void restoreTheLimit() {
    System.clearProperty("plora.json.maxChars");
  }

  @Test
  void aMessageOverTheSizeLimitIsRefusedUnparsed() {
    String json = "{\"name\":\"" + "n".repeat(2_000_000) + "\"}";
    assertThatThrownBy(() -> ProtoJson.parse(json, JobSpec.newBuilder()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "not a valid plora.v1.JobSpec: the JSON text is 2000011 characters, over the limit of"
                + " 1048576 characters (raise it with -Dplora.json.maxChars=<characters>)");
    System.setProperty("plora.json.maxChars", "3000000");
    assertThat(ProtoJson.parse(json, JobSpec.newBuilder()).getName()).hasSize(2_000_000);
  }

  @Test
  void deepNestingIsRefusedBeforeTheParserRecursesIntoIt() {
    String deep = "{\"lora\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertThatThrownBy(() -> ProtoJson.parseLenient(deep, JobSpec.newBuilder()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a valid plora.v1.JobSpec: objects and arrays nest deeper than 32 levels");
    // Brackets inside strings, escaped quotes included, are text, not nesting.
    String text = "{\"name\":\"" + "[{\\\"".repeat(100) + "\"}";
    assertThat(ProtoJson.parse(text, JobSpec.newBuilder()).getName()).startsWith("[{\"[{");
  }

  @Test
  void aPathWithANulIsASpecErrorNamingTheField() {
    ArtifactStore store = new ArtifactStore(dir, false);
    assertThatThrownBy(() -> store.resolve("uploads/a\u0000b.jsonl", "dataset.train_uri"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageStartingWith("dataset.train_uri: 'uploads/a\u0000b.jsonl' is not a valid path");
  }
}

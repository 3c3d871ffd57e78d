package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {
  @TempDir Path dir;

  @Test
  void resolvesStoreRelativePathsInsideTheStore() throws Exception {
    ArtifactStore store = new ArtifactStore(dir.resolve("store"), false);
    Path p = store.resolve("uploads/a/train.jsonl", "dataset.train_uri");
    assertThat(p).isEqualTo(dir.resolve("store").toRealPath().resolve("uploads/a/train.jsonl"));
    assertThat(store.uriOf(p)).isEqualTo("uploads/a/train.jsonl");
  }

  @Test
  void refusesAbsolutePathsDotDotAndOtherSchemes() {
    ArtifactStore store = new ArtifactStore(dir.resolve("store"), false);
    assertThatThrownBy(() -> store.resolve("/etc/passwd", "dataset.train_uri"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("dataset.train_uri")
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> store.resolve("uploads/../../secret", "model.model_uri"))
        .hasMessageContaining("model.model_uri")
        .hasMessageContaining("'..'");
    assertThatThrownBy(() -> store.resolve("s3://bucket/x", "dataset.eval_uri"))
        .hasMessageContaining("dataset.eval_uri")
        .hasMessageContaining("only store-relative");
    assertThatThrownBy(() -> store.resolve("", "dataset.train_uri"))
        .hasMessageContaining("is empty");
  }

  @Test
  void fileUrisOnlyWhenEnabled() {
    Path host = dir.resolve("host.jsonl");
    String uri = host.toUri().toString();
    assertThatThrownBy(
            () -> new ArtifactStore(dir.resolve("a"), false).resolve(uri, "dataset.train_uri"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("file: URIs are disabled");
    assertThat(new ArtifactStore(dir.resolve("b"), true).resolve(uri, "dataset.train_uri"))
        .isEqualTo(host);
  }

  @Test
  void refusesASymbolicLinkThatLeadsOutOfTheStore() throws Exception {
    ArtifactStore store = new ArtifactStore(dir.resolve("store"), false);
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "x");
    Files.createSymbolicLink(store.root().resolve("escape"), outside);
    assertThatThrownBy(() -> store.resolve("escape/secret.txt", "dataset.train_uri"))
        .hasMessageContaining("symbolic link");
  }

  @Test
  void cancelMarkerIsPerJob() {
    ArtifactStore store = new ArtifactStore(dir.resolve("store"), false);
    store.markCancelled("job-1");
    assertThat(store.isCancelled("job-1")).isTrue();
    assertThat(store.isCancelled("job-2")).isFalse();
  }
}

package dev.plora.jobs;

import dev.plora.proto.v1.ArtifactFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 digests of an export, so a user can verify what they download: a file's own digest, or
 * for a folder (PEFT, sparse) the digest of its manifest — one {@code "<sha256> <relative path>"}
 * line per file, sorted by path, exactly what {@code sha256sum} prints, so {@code (cd DIR &&
 * sha256sum $(find . -type f | sort | cut -c3-)) | sha256sum} reproduces it.
 */
public final class ExportDigests {
  /** The export's digest and each file with its own. */
  public record Digest(String sha256, List<ArtifactFile> files) {}

  public static Digest of(ArtifactStore store, Path export) {
    try {
      if (Files.isRegularFile(export)) {
        String sha = sha256(export);
        return new Digest(
            sha,
            List.of(
                ArtifactFile.newBuilder()
                    .setUri(store.uriOf(export))
                    .setBytes(Files.size(export))
                    .setSha256(sha)
                    .build()));
      }
      List<Path> files;
      try (Stream<Path> all = Files.walk(export)) {
        files = all.filter(Files::isRegularFile).sorted().toList();
      }
      StringBuilder manifest = new StringBuilder();
      List<ArtifactFile> out = new java.util.ArrayList<>();
      for (Path f : files) {
        String sha = sha256(f);
        String rel = export.relativize(f).toString().replace('\\', '/');
        manifest.append(sha).append("  ").append(rel).append('\n');
        out.add(
            ArtifactFile.newBuilder()
                .setUri(store.uriOf(f))
                .setBytes(Files.size(f))
                .setSha256(sha)
                .build());
      }
      MessageDigest md = sha();
      return new Digest(
          HexFormat.of().formatHex(md.digest(manifest.toString().getBytes(StandardCharsets.UTF_8))),
          out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot digest " + export + ": " + e.getMessage(), e);
    }
  }

  /** The hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = sha();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  private ExportDigests() {}
}

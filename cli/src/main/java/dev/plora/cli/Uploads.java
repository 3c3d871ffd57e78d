package dev.plora.cli;

import dev.plora.proto.v1.ArtifactInfo;
import dev.plora.stack.MeshClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Local files into the caller's upload area, content-addressed: {@code <sha256 prefix>/<name>}.
 * Uploads are write-once, so a name must never be reused for other bytes; naming by content makes
 * the same file land in the same place (the gateway accepts identical bytes again) and a changed
 * file in a new one.
 */
final class Uploads {
  static ArtifactInfo contentAddressed(MeshClient client, Path local) {
    return client.upload(local, sha256(local).substring(0, 16) + "/" + local.getFileName());
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Uploads() {}
}

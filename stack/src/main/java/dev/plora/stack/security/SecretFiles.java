package dev.plora.stack.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files whole or not at all (a temporary file renamed into place), secrets readable by their
 * owner only from the moment they exist: the temporary file is created with those permissions, so
 * no other user can open it between creation and a later chmod.
 */
final class SecretFiles {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  /** A secret: mode 0600. */
  static void writeSecret(Path file, byte[] content) {
    write(file, content, PosixFilePermissions.fromString("rw-------"), true);
  }

  /** A public file (certificates, public keys, configurations naming secret files): mode 0644. */
  static void writePublic(Path file, byte[] content) {
    write(file, content, PosixFilePermissions.fromString("rw-r--r--"), false);
  }

  private static void write(
      Path file, byte[] content, Set<PosixFilePermission> mode, boolean privateDir) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      if (POSIX && privateDir) {
        // The directory of secrets is private too: nobody else can even list what is in it.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      FileAttribute<?>[] attrs =
          POSIX
              ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
              : new FileAttribute<?>[0];
      Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", attrs);
      try {
        Files.write(tmp, content);
        try {
          Files.move(
              tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private SecretFiles() {}
}

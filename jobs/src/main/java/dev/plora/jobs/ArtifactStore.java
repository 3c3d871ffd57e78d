package dev.plora.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The shared directory (a volume in Kubernetes) that holds everything too large for Kafka: uploaded
 * models and datasets, mask plans, checkpoints, adapters, exports. Messages refer to its files by
 * store-relative URIs; this class is the only place that turns such a URI into a path, and it
 * refuses absolute paths, {@code ..}, and symbolic links that lead out of the store. {@code file:}
 * URIs (any file on the host) are accepted only when the operator enabled them.
 */
public final class ArtifactStore {
  private final Path root;
  private final boolean allowFileUris;

  public ArtifactStore(Path root, boolean allowFileUris) {
    try {
      Files.createDirectories(root);
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot use " + root + " as the artifact store: " + e.getMessage(), e);
    }
    this.allowFileUris = allowFileUris;
  }

  public Path root() {
    return root;
  }

  public boolean allowsFileUris() {
    return allowFileUris;
  }

  /**
   * Resolves a URI given by a user ({@code field} names where it came from, for the error).
   *
   * @throws InvalidSpecException when the URI is not allowed
   */
  public Path resolve(String uri, String field) {
    if (uri == null || uri.isBlank()) {
      throw new InvalidSpecException(field, "is empty");
    }
    if (uri.startsWith("file:")) {
      if (!allowFileUris) {
        throw new InvalidSpecException(
            field,
            "file: URIs are disabled on this deployment (set plora.store.allow-file-uris=true"
                + " to enable them); upload the file to the artifact store and give its store-relative path");
      }
      try {
        return Path.of(URI.create(uri)).normalize();
      } catch (IllegalArgumentException e) {
        throw new InvalidSpecException(
            field, "'" + uri + "' is not a valid file: URI (" + e.getMessage() + ")");
      }
    }
    if (uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      throw new InvalidSpecException(
          field,
          "'" + uri + "': only store-relative paths (and file: where enabled) are supported");
    }
    return relative(uri, field);
  }

  /** A store-relative path: no absolute paths, no {@code ..}, no symlink escapes. */
  public Path relative(String path, String field) {
    try {
      return checkedRelative(path, field);
    } catch (InvalidPathException e) {
      // A NUL or another character the file system refuses: the user's mistake, not a crash.
      throw new InvalidSpecException(
          field, "'" + path + "' is not a valid path (" + e.getReason() + ")");
    }
  }

  private Path checkedRelative(String path, String field) {
    if (path.startsWith("/") || path.startsWith("\\") || Path.of(path).isAbsolute()) {
      throw new InvalidSpecException(
          field, "'" + path + "' is absolute; give a path relative to the artifact store");
    }
    for (String part : path.split("[/\\\\]")) {
      if (part.equals("..")) {
        throw new InvalidSpecException(
            field, "'" + path + "' contains '..'; paths must stay inside the artifact store");
      }
    }
    Path p = root.resolve(path).normalize();
    if (!p.startsWith(root)) {
      throw new InvalidSpecException(field, "'" + path + "' leads outside the artifact store");
    }
    // A symbolic link inside the store may still point outside it: check where the existing part
    // leads.
    Path existing = p;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null) {
      try {
        if (!existing.toRealPath().startsWith(root)) {
          throw new InvalidSpecException(
              field, "'" + path + "' leads outside the artifact store through a symbolic link");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot resolve " + existing + ": " + e.getMessage(), e);
      }
    }
    return p;
  }

  /** The store-relative URI of a path inside the store. */
  public String uriOf(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    if (!abs.startsWith(root)) {
      throw new IllegalArgumentException(p + " is not inside the artifact store " + root);
    }
    return root.relativize(abs).toString().replace('\\', '/');
  }

  public Path jobDir(String jobId) {
    return relative("jobs/" + jobId, "job_id");
  }

  public Path trialDir(String jobId, int trial) {
    return jobDir(jobId).resolve("trial-" + trial);
  }

  /** Written by the gateway when a job is cancelled; workers look for it between training steps. */
  public Path cancelMarker(String jobId) {
    return jobDir(jobId).resolve("CANCELLED");
  }

  public boolean isCancelled(String jobId) {
    return Files.exists(cancelMarker(jobId));
  }

  public void markCancelled(String jobId) {
    try {
      Files.createDirectories(jobDir(jobId));
      Files.writeString(cancelMarker(jobId), "cancelled\n");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot mark job " + jobId + " cancelled: " + e.getMessage(), e);
    }
  }
}

package dev.plora.jobs;

import dev.plora.engine.config.ModelConfig;
import dev.plora.proto.v1.JobSpec;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who may read and write what in the artifact store. The store's top-level areas:
 *
 * <ul>
 *   <li>{@code uploads/<subject>/}: a subject's uploads, write-once, readable by that subject (and
 *       admins), the only uploads its jobs may read;
 *   <li>{@code models/}: shared models, written by admins, readable by everyone and by every job;
 *   <li>{@code jobs/<id>/}: what the mesh made for a job, written only by the mesh, readable by the
 *       job's owner.
 * </ul>
 *
 * Every path is normalised by the store first ({@code ./jobs/x}, {@code a/../jobs} are {@code
 * jobs/...}), so these prefixes cannot be dodged.
 */
public final class StoreAccess {
  public static final String UPLOADS = "uploads/";
  public static final String MODELS = "models/";
  public static final String JOBS = "jobs/";

  private final ArtifactStore store;

  public StoreAccess(ArtifactStore store) {
    this.store = store;
  }

  /** A subject's upload area. */
  public static String uploadArea(Caller c) {
    return UPLOADS + c.subject() + "/";
  }

  /**
   * Where an upload of {@code path} by {@code caller} lands, store-relative: inside the caller's
   * upload area (a path not already there is put there), or {@code models/} for an admin.
   *
   * @throws InvalidSpecException for a path that names no file, or lies in {@code jobs/}
   * @throws AccessDeniedException for another subject's area, or {@code models/} by a non-admin
   */
  public String uploadTarget(String path, Caller caller) {
    if (path == null || path.isBlank()) {
      throw new InvalidSpecException(
          "path", "is empty; name the file to upload (e.g. train.jsonl)");
    }
    String rel = normalized(path, "path");
    if (rel.isEmpty() || rel.equals(".")) {
      throw new InvalidSpecException("path", "'" + path + "' names no file");
    }
    if (under(rel, JOBS)) {
      throw new InvalidSpecException(
          "path", "'" + path + "' is inside jobs/, which only the mesh writes");
    }
    if (under(rel, MODELS)) {
      if (!caller.admin()) {
        throw new AccessDeniedException(
            "models/ holds shared models and is written by admins; upload to your own area instead");
      }
      return rel;
    }
    if (under(rel, UPLOADS)) {
      if (!under(rel, uploadArea(caller)) && !caller.admin()) {
        throw new AccessDeniedException(
            "'" + path + "' is in another subject's upload area; yours is " + uploadArea(caller));
      }
      return rel;
    }
    return uploadArea(caller) + rel;
  }

  /**
   * Whether {@code caller} may read the store path {@code path} (downloads, lists): their uploads,
   * shared models, their jobs' files ({@code jobOwner} tells a job's owner, empty for no such job).
   */
  public boolean mayRead(String path, Caller caller, Function<String, Optional<String>> jobOwner) {
    if (caller.admin()) {
      return true;
    }
    String rel = normalized(path, "path");
    if (under(rel, MODELS) || under(rel, uploadArea(caller))) {
      return true;
    }
    if (under(rel, JOBS) && rel.length() > JOBS.length()) {
      String rest = rel.substring(JOBS.length());
      String jobId = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
      return !jobId.isEmpty() && jobOwner.apply(jobId).map(caller::mayAccess).orElse(false);
    }
    return false;
  }

  /**
   * The inputs a job may name: the submitter's own uploads, shared models, the default model
   * (admins: anything in the store); {@code file:} URIs are the store's decision (off by default).
   *
   * @throws AccessDeniedException naming the JobSpec field that points elsewhere
   */
  public void checkInputs(JobSpec spec, Caller caller) {
    if (caller.admin()) {
      return;
    }
    if (!spec.getModel().getModelUri().equals(ModelConfig.DEFAULT_SOURCE)) {
      checkInput(spec.getModel().getModelUri(), "model.model_uri", caller);
    }
    checkInput(spec.getModel().getTokenizerUri(), "model.tokenizer_uri", caller);
    checkInput(spec.getDataset().getTrainUri(), "dataset.train_uri", caller);
    checkInput(spec.getDataset().getEvalUri(), "dataset.eval_uri", caller);
  }

  private void checkInput(String uri, String field, Caller caller) {
    if (uri.isEmpty() || uri.startsWith("file:")) {
      return;
    }
    String rel = normalized(uri, field);
    if (!under(rel, MODELS) && !under(rel, uploadArea(caller))) {
      throw new AccessDeniedException(
          field
              + ": '"
              + uri
              + "' is not yours to read; a job may read its submitter's uploads ("
              + uploadArea(caller)
              + ") and shared models (models/)");
    }
  }

  /** The store-relative form of a path after normalisation ("" for the store's root). */
  private String normalized(String path, String field) {
    Path p = store.relative(path, field);
    return store.uriOf(p);
  }

  private static boolean under(String rel, String area) {
    return rel.startsWith(area) || (rel + "/").equals(area);
  }
}

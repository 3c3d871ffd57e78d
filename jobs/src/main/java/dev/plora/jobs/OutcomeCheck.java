package dev.plora.jobs;

import dev.plora.proto.v1.ArtifactFile;
import dev.plora.proto.v1.ExportArtifact;
import dev.plora.proto.v1.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the gateway requires of a worker's outcome before it believes it: every URI it reports (the
 * plan, the run, each export and its files) lies inside that job's own directory in the store,
 * after normalisation. An outcome pointing anywhere else — another job's files, a user's upload, a
 * host path — is forged or broken and is ignored (the stage's supervision re-issues it if no
 * genuine outcome follows). That the outcome answers a task the gateway issued is {@link
 * JobMachine#apply}'s check.
 */
public final class OutcomeCheck {
  private final ArtifactStore store;

  public OutcomeCheck(ArtifactStore store) {
    this.store = store;
  }

  /** Why the outcome cannot be accepted, or empty when its URIs are fine. */
  public Optional<String> problem(Outcome o) {
    String jobDir = StoreAccess.JOBS + o.getJobId() + "/";
    List<String> uris = new ArrayList<>();
    if (!o.getPlanUri().isEmpty()) {
      uris.add(o.getPlanUri());
    }
    if (!o.getRunUri().isEmpty()) {
      uris.add(o.getRunUri());
    }
    for (ExportArtifact e : o.getExportsList()) {
      uris.add(e.getUri());
      for (ArtifactFile f : e.getFilesList()) {
        uris.add(f.getUri());
      }
    }
    for (String uri : uris) {
      String rel;
      try {
        rel = store.uriOf(store.relative(uri, "uri"));
      } catch (RuntimeException e) {
        return Optional.of("'" + uri + "' is not a path inside the artifact store");
      }
      if (!rel.startsWith(jobDir)) {
        return Optional.of("'" + uri + "' is outside the job's directory " + jobDir);
      }
    }
    return Optional.empty();
  }
}

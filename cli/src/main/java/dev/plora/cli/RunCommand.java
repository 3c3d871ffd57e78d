package dev.plora.cli;

import dev.plora.jobs.ArtifactStore;
import dev.plora.jobs.LocalPipeline;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobStatus;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code plora run}: a JobSpec in this process, through the same state machine and engine calls as
 * the mesh.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Run a job in this process without Kafka: the same JobSpec, state machine and stage runner as the mesh."
            + " Outputs go to STORE/jobs/<id>/.")
final class RunCommand implements Callable<Integer> {
  @Mixin JobSpecOptions job;

  @Option(names = "--store", description = "artifact store (default: <repo>/.plora/store)")
  Path store;

  @Option(names = "--job-id", description = "default: run-<random>")
  String jobId;

  @Override
  public Integer call() {
    ArtifactStore s =
        new ArtifactStore(
            store != null ? store : StackOptions.repoRoot().resolve(".plora/store"), true);
    JobSpec spec = job.build(JobSpecOptions::fileUri);
    String id = jobId != null ? jobId : "run-" + UUID.randomUUID().toString().substring(0, 8);
    AtomicBoolean stop = new AtomicBoolean();
    Thread hook = new Thread(() -> stop.set(true));
    Runtime.getRuntime().addShutdownHook(hook);
    JobWatcher watcher = new JobWatcher(System.out);
    long t0 = System.nanoTime();
    JobStatus end =
        new LocalPipeline(s).run(id, spec, watcher::onStatus, watcher::onProgress, stop::get);
    JobReport.print(end, s.root(), System.out);
    System.out.printf("wall time %.1f s%n", (System.nanoTime() - t0) / 1e9);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // shutting down already
    }
    return JobWatcher.exitCode(end);
  }
}

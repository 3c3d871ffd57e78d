package dev.plora.cli;

import dev.plora.jobs.JobMachine;
import dev.plora.proto.v1.JobEvent;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Progress;
import dev.plora.stack.MeshClient;
import java.io.PrintStream;
import java.util.Iterator;

/** Follows a job through WatchJob: a line per state change, a progress bar while a trial trains. */
final class JobWatcher {
  private final PrintStream out;
  private final ProgressBar bar;
  private JobState lastState = JobState.JOB_STATE_UNSPECIFIED;

  JobWatcher(PrintStream out) {
    this.out = out;
    this.bar = new ProgressBar(out, System.console() != null);
  }

  /** Blocks until the job ends; returns its final status. */
  JobStatus follow(MeshClient client, String jobId) {
    JobStatus last = null;
    Iterator<JobEvent> events = client.watch(jobId);
    while (events.hasNext()) {
      JobEvent e = events.next();
      if (e.hasStatus()) {
        last = e.getStatus();
        onStatus(last);
      } else if (e.hasProgress()) {
        onProgress(e.getProgress());
      }
    }
    return last != null ? last : client.get(jobId);
  }

  void onStatus(JobStatus s) {
    if (s.getState() != lastState) {
      lastState = s.getState();
      out.printf(
          "%s  %s%s%n",
          s.getJobId(),
          JobReport.state(s.getState()),
          s.getReason().isEmpty() ? "" : ": " + s.getReason());
      out.flush();
    }
  }

  void onProgress(Progress p) {
    bar.show(
        p.getStep(),
        p.getTotalSteps(),
        String.format(
            "trial %d  step %d/%d  loss %.4f  %.1f ex/s  ETA %s",
            p.getTrial(),
            p.getStep(),
            p.getTotalSteps(),
            p.getLoss(),
            p.getExamplesPerSecond(),
            ProgressBar.eta(p.getEtaSeconds())));
  }

  static int exitCode(JobStatus s) {
    return s.getState() == JobState.JOB_STATE_SUCCEEDED
        ? 0
        : JobMachine.isTerminal(s.getState()) ? 1 : 3;
  }
}

package dev.plora.cli;

import dev.plora.proto.v1.JobStatus;
import dev.plora.stack.LocalStack;
import dev.plora.stack.MeshClient;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code plora status [JOB]}: the stack's processes and jobs, or one job in detail. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Without a job id: the embedded stack's services and the gateway's jobs. With one: that job's trials,"
            + " metrics and exports.")
final class StatusCommand implements Callable<Integer> {
  @Mixin StackOptions options;

  @Parameters(arity = "0..1", paramLabel = "JOB")
  String jobId;

  @Override
  public Integer call() {
    LocalStack stack = options.stack();
    if (jobId != null) {
      try (MeshClient client = options.client()) {
        JobReport.print(client.get(jobId), stack.store(), System.out);
        return 0;
      }
    }
    System.out.printf(
        "%-15s %8s %-12s %9s  %s%n", "service", "pid", "health", "rss MB", "endpoint");
    for (LocalStack.ServiceState s : stack.status()) {
      long rss = stack.residentBytes(s.instance());
      System.out.printf(
          "%-15s %8s %-12s %9s  %s%n",
          s.instance().id(),
          s.alive() ? Long.toString(s.pid()) : "-",
          s.health(),
          rss > 0 ? Long.toString(rss >> 20) : "-",
          s.httpPort() > 0
              ? "http://127.0.0.1:" + s.httpPort() + "/q/health"
              : stack.ports().bootstrap());
    }
    System.out.printf(
        "%nTLS: gateway %s trusts CA %s%n", options.gatewayTarget(), stack.security().caPem());
    try (MeshClient client = options.client()) {
      List<JobStatus> jobs = client.list();
      System.out.printf("%njobs: %d%n", jobs.size());
      for (JobStatus j : jobs) {
        System.out.printf(
            "  %-22s %-13s %-14s %s%n",
            j.getJobId(),
            JobReport.state(j.getState()),
            j.getSpec().getStrategy().getKind(),
            j.getReason());
      }
    } catch (StatusRuntimeException e) {
      System.out.println(
          "\ngateway not reachable at " + options.gatewayTarget() + ": " + e.getStatus().getCode());
    }
    return 0;
  }
}

package dev.plora.stack;

import com.google.protobuf.ByteString;
import dev.plora.proto.v1.ArtifactInfo;
import dev.plora.proto.v1.ArtifactServiceGrpc;
import dev.plora.proto.v1.DeleteJobResponse;
import dev.plora.proto.v1.GetJobRequest;
import dev.plora.proto.v1.JobEvent;
import dev.plora.proto.v1.JobServiceGrpc;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.ListJobsRequest;
import dev.plora.proto.v1.ListJobsResponse;
import dev.plora.proto.v1.SubmitJobRequest;
import dev.plora.proto.v1.UploadChunk;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC client of the gateway: the CLI's {@code submit}, {@code watch}, {@code status} and
 * uploads.
 */
public final class MeshClient implements AutoCloseable {
  private static final int CHUNK = 256 * 1024;

  private final ManagedChannel channel;
  private final JobServiceGrpc.JobServiceBlockingStub jobs;
  private final ArtifactServiceGrpc.ArtifactServiceStub artifacts;

  public MeshClient(String target) {
    this.channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    this.jobs = JobServiceGrpc.newBlockingStub(channel);
    this.artifacts = ArtifactServiceGrpc.newStub(channel);
  }

  /**
   * Submits a job. The gateway retries its sends through a broker outage for up to 10 minutes (its
   * default send timeout), so the call may wait that long; a job resubmitted with the same
   * client_job_id is not duplicated.
   */
  public JobStatus submit(JobSpec spec) {
    return submit(spec, Duration.ofMinutes(11));
  }

  public JobStatus submit(JobSpec spec, Duration deadline) {
    return jobs.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
  }

  public JobStatus get(String jobId) {
    return jobs.withDeadlineAfter(30, TimeUnit.SECONDS)
        .getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
  }

  /** Every job, oldest first, page by page. */
  public List<JobStatus> list() {
    List<JobStatus> all = new ArrayList<>();
    String token = "";
    do {
      ListJobsResponse page = listPage(ListJobsRequest.newBuilder().setPageToken(token).build());
      all.addAll(page.getJobsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  public ListJobsResponse listPage(ListJobsRequest request) {
    return jobs.withDeadlineAfter(30, TimeUnit.SECONDS).listJobs(request);
  }

  /** Deletes an ended job (FAILED_PRECONDITION while it runs). */
  public DeleteJobResponse delete(String jobId) {
    return jobs.withDeadlineAfter(60, TimeUnit.SECONDS)
        .deleteJob(GetJobRequest.newBuilder().setJobId(jobId).build());
  }

  public JobStatus cancel(String jobId) {
    return jobs.withDeadlineAfter(30, TimeUnit.SECONDS)
        .cancelJob(GetJobRequest.newBuilder().setJobId(jobId).build());
  }

  /**
   * The job's status, then its events until it ends. When the gateway goes away mid-stream (a
   * restart), the watch re-attaches for up to {@code reattachFor}: WatchJob starts again with the
   * current status, so no state change is lost (the current one may arrive twice).
   */
  public Iterator<JobEvent> watch(String jobId) {
    return watch(jobId, Duration.ofMinutes(5));
  }

  public Iterator<JobEvent> watch(String jobId, Duration reattachFor) {
    return new ReattachingWatch(
        () -> jobs.watchJob(GetJobRequest.newBuilder().setJobId(jobId).build()), reattachFor);
  }

  /** Uploads a local file to a store-relative path; the file appears there only once complete. */
  public ArtifactInfo upload(Path local, String storePath) {
    CompletableFuture<ArtifactInfo> done = new CompletableFuture<>();
    StreamObserver<UploadChunk> up =
        artifacts.upload(
            new StreamObserver<>() {
              @Override
              public void onNext(ArtifactInfo info) {
                done.complete(info);
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                done.completeExceptionally(
                    new IllegalStateException("the gateway closed the upload without an answer"));
              }
            });
    try (InputStream in = Files.newInputStream(local)) {
      byte[] buf = new byte[CHUNK];
      int n;
      boolean first = true;
      while ((n = in.read(buf)) > 0 || first) {
        UploadChunk.Builder c =
            UploadChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, Math.max(n, 0)));
        if (first) {
          c.setPath(storePath);
          first = false;
        }
        up.onNext(c.build());
        if (n <= 0) {
          break;
        }
      }
      up.onCompleted();
    } catch (IOException e) {
      up.onError(e);
      throw new UncheckedIOException("cannot read " + local + ": " + e.getMessage(), e);
    }
    try {
      return done.get(10, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(
          "upload of " + local + " did not finish: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

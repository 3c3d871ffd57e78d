package dev.plora.stack;

import com.google.protobuf.ByteString;
import dev.plora.proto.v1.ArtifactInfo;
import dev.plora.proto.v1.ArtifactServiceGrpc;
import dev.plora.proto.v1.DeleteJobResponse;
import dev.plora.proto.v1.DownloadChunk;
import dev.plora.proto.v1.DownloadRequest;
import dev.plora.proto.v1.GetJobRequest;
import dev.plora.proto.v1.JobEvent;
import dev.plora.proto.v1.JobServiceGrpc;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.ListJobsRequest;
import dev.plora.proto.v1.ListJobsResponse;
import dev.plora.proto.v1.SubmitJobRequest;
import dev.plora.proto.v1.UploadChunk;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
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
 * uploads. It speaks TLS (trusting a given CA, e.g. the embedded stack's {@code ca.pem}, or the
 * JVM's roots) and sends a bearer token on every call.
 */
public final class MeshClient implements AutoCloseable {
  private static final int CHUNK = 256 * 1024;
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * How to reach a gateway.
   *
   * @param ca the CA to trust (PEM); null: the JVM's trusted roots
   * @param token the bearer token (a JWT); null: none (only health would answer)
   * @param plaintext no TLS at all (a gateway started with PLORA_GRPC_PLAINTEXT=true)
   */
  public record Credentials(Path ca, String token, boolean plaintext) {
    public static Credentials tls(Path ca, String token) {
      return new Credentials(ca, token, false);
    }
  }

  private final ManagedChannel channel;
  private final JobServiceGrpc.JobServiceBlockingStub jobs;
  private final ArtifactServiceGrpc.ArtifactServiceStub artifacts;
  private final ArtifactServiceGrpc.ArtifactServiceBlockingStub artifactsBlocking;

  public MeshClient(String target, Credentials credentials) {
    ManagedChannelBuilder<?> b;
    if (credentials.plaintext()) {
      b = ManagedChannelBuilder.forTarget(target).usePlaintext();
    } else {
      try {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        if (credentials.ca() != null) {
          tls.trustManager(credentials.ca().toFile());
        }
        b = Grpc.newChannelBuilder(target, tls.build());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the CA certificate " + credentials.ca() + ": " + e.getMessage(), e);
      }
    }
    if (credentials.token() != null) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + credentials.token());
      b.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.channel = b.build();
    this.jobs = JobServiceGrpc.newBlockingStub(channel);
    this.artifacts = ArtifactServiceGrpc.newStub(channel);
    this.artifactsBlocking = ArtifactServiceGrpc.newBlockingStub(channel);
  }

  /**
   * Downloads a store file to {@code local} (written whole or not at all). With {@code
   * expectedSha256} (an export's digest from the job's status) the bytes are verified and a
   * mismatch leaves nothing behind.
   *
   * @return the SHA-256 of what was downloaded (hex)
   */
  public String download(String storePath, Path local, String expectedSha256) {
    Path dir = local.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + local.getFileName(), ".part");
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      try (java.io.OutputStream out = Files.newOutputStream(tmp)) {
        Iterator<DownloadChunk> chunks =
            artifactsBlocking
                .withDeadlineAfter(30, TimeUnit.MINUTES)
                .download(DownloadRequest.newBuilder().setPath(storePath).build());
        while (chunks.hasNext()) {
          ByteString data = chunks.next().getData();
          data.writeTo(out);
          sha.update(data.asReadOnlyByteBuffer());
        }
      }
      String got = java.util.HexFormat.of().formatHex(sha.digest());
      if (expectedSha256 != null
          && !expectedSha256.isEmpty()
          && !expectedSha256.equalsIgnoreCase(got)) {
        throw new IllegalStateException(
            "download of "
                + storePath
                + " does not match its digest: expected sha256 "
                + expectedSha256
                + ", got "
                + got
                + " (nothing was written)");
      }
      Files.move(tmp, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      return got;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + local + ": " + e.getMessage(), e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a hidden leftover .part file
        }
      }
    }
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

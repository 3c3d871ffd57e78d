package dev.plora.services.gateway;

import dev.plora.jobs.AccessDeniedException;
import dev.plora.jobs.InvalidSpecException;
import dev.plora.jobs.Pages;
import dev.plora.proto.v1.DeleteJobResponse;
import dev.plora.proto.v1.GetJobRequest;
import dev.plora.proto.v1.JobEvent;
import dev.plora.proto.v1.JobServiceGrpc;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.ListJobsRequest;
import dev.plora.proto.v1.ListJobsResponse;
import dev.plora.proto.v1.SubmitJobRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * {@code plora.v1.JobService}: a thin gRPC face over {@link JobOrchestrator}. Every call carries a
 * verified bearer token with the user or admin role (UNAUTHENTICATED otherwise); the caller it
 * names owns what it submits and may act only on its own jobs (PERMISSION_DENIED otherwise).
 */
@GrpcService
@RolesAllowed({Callers.USER, Callers.ADMIN})
public class JobGrpcService extends JobServiceGrpc.JobServiceImplBase {
  @Inject JobOrchestrator jobs;
  @Inject SecurityIdentity identity;

  @Override
  @Blocking
  public void submitJob(SubmitJobRequest request, StreamObserver<JobStatus> response) {
    try {
      JobStatus s = jobs.submit(request.getSpec(), null, Callers.of(identity));
      response.onNext(s);
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
  }

  @Override
  @Blocking
  public void getJob(GetJobRequest request, StreamObserver<JobStatus> response) {
    try {
      reply(jobs.get(request.getJobId(), Callers.of(identity)), request.getJobId(), response);
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
  }

  @Override
  @Blocking
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
    try {
      Pages.Page<JobStatus> page =
          jobs.list(
              request.getStatesList(),
              request.getPageSize(),
              request.getPageToken(),
              Callers.of(identity));
      response.onNext(
          ListJobsResponse.newBuilder()
              .addAllJobs(page.items())
              .setNextPageToken(page.nextToken())
              .build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
  }

  @Override
  @Blocking
  public void watchJob(GetJobRequest request, StreamObserver<JobEvent> response) {
    try {
      dev.plora.jobs.Caller caller = Callers.of(identity);
      if (jobs.get(request.getJobId(), caller).isEmpty()) {
        response.onError(notFound(request.getJobId()));
        return;
      }
      jobs.watch(request.getJobId(), caller, response);
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
  }

  @Override
  @Blocking
  public void cancelJob(GetJobRequest request, StreamObserver<JobStatus> response) {
    try {
      reply(jobs.cancel(request.getJobId(), Callers.of(identity)), request.getJobId(), response);
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
  }

  @Override
  @Blocking
  public void deleteJob(GetJobRequest request, StreamObserver<DeleteJobResponse> response) {
    try {
      jobs.delete(request.getJobId(), Callers.of(identity))
          .ifPresentOrElse(
              d -> {
                response.onNext(
                    DeleteJobResponse.newBuilder()
                        .setJobId(d.jobId())
                        .setBytesFreed(d.bytesFreed())
                        .build());
                response.onCompleted();
              },
              () -> response.onError(notFound(request.getJobId())));
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
  }

  /**
   * An invalid spec names its field (INVALID_ARGUMENT); anything else — the state not restored yet,
   * the broker unreachable past the send timeout — is UNAVAILABLE: the call may be retried (with
   * the same client_job_id, a submission is not duplicated).
   */
  static RuntimeException status(RuntimeException e) {
    if (e instanceof InvalidSpecException) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    if (e instanceof SecurityException) {
      return GrpcAuthErrors.status(e).asRuntimeException();
    }
    if (e instanceof AccessDeniedException) {
      return Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException();
    }
    if (e instanceof JobRunningException) {
      return Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
    }
    return Status.UNAVAILABLE.withDescription(e.getMessage()).withCause(e).asRuntimeException();
  }

  private static void reply(
      Optional<JobStatus> job, String id, StreamObserver<JobStatus> response) {
    job.ifPresentOrElse(
        s -> {
          response.onNext(s);
          response.onCompleted();
        },
        () -> response.onError(notFound(id)));
  }

  private static RuntimeException notFound(String id) {
    return Status.NOT_FOUND.withDescription("no job '" + id + "'").asRuntimeException();
  }
}

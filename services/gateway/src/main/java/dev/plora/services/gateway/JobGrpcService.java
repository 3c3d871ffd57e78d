package dev.plora.services.gateway;

import dev.plora.jobs.InvalidSpecException;
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
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.Optional;

/** {@code plora.v1.JobService}: a thin gRPC face over {@link JobOrchestrator}. */
@GrpcService
public class JobGrpcService extends JobServiceGrpc.JobServiceImplBase {
  @Inject JobOrchestrator jobs;

  @Override
  @Blocking
  public void submitJob(SubmitJobRequest request, StreamObserver<JobStatus> response) {
    try {
      JobStatus s = jobs.submit(request.getSpec(), null);
      response.onNext(s);
      response.onCompleted();
    } catch (InvalidSpecException e) {
      response.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException e) {
      response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  @Blocking
  public void getJob(GetJobRequest request, StreamObserver<JobStatus> response) {
    reply(jobs.get(request.getJobId()), request.getJobId(), response);
  }

  @Override
  @Blocking
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
    response.onNext(
        ListJobsResponse.newBuilder().addAllJobs(jobs.list(request.getStatesList())).build());
    response.onCompleted();
  }

  @Override
  @Blocking
  public void watchJob(GetJobRequest request, StreamObserver<JobEvent> response) {
    if (jobs.get(request.getJobId()).isEmpty()) {
      response.onError(notFound(request.getJobId()));
      return;
    }
    jobs.watch(request.getJobId(), response);
  }

  @Override
  @Blocking
  public void cancelJob(GetJobRequest request, StreamObserver<JobStatus> response) {
    reply(jobs.cancel(request.getJobId()), request.getJobId(), response);
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

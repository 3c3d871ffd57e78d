package dev.plora.services.gateway;

import dev.plora.jobs.ProtoJson;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Task;
import dev.plora.services.support.KafkaSend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Everything the gateway writes to Kafka: tasks to the stage topics and job state to the compacted
 * state topic, each keyed by job id and acknowledged before the caller goes on. (Kept out of the
 * gRPC service: a Kafka emitter injected straight into a {@code @GrpcService} breaks startup.)
 */
@ApplicationScoped
public class TaskPublisher {
  @Inject
  @Channel("discover")
  Emitter<String> discover;

  @Inject
  @Channel("train")
  Emitter<String> train;

  @Inject
  @Channel("evaluate")
  Emitter<String> evaluate;

  @Inject
  @Channel("export")
  Emitter<String> export;

  @Inject
  @Channel("state")
  Emitter<String> state;

  public void task(Task t) {
    Emitter<String> to =
        switch (t.getStage()) {
          case STAGE_DISCOVER -> discover;
          case STAGE_TRAIN -> train;
          case STAGE_EVALUATE -> evaluate;
          case STAGE_EXPORT -> export;
          default ->
              throw new IllegalArgumentException("task without a stage for job " + t.getJobId());
        };
    KafkaSend.sendAndWait(to, t.getJobId() + "/" + t.getTrial(), ProtoJson.print(t));
  }

  public void state(JobStatus s) {
    KafkaSend.sendAndWait(state, s.getJobId(), ProtoJson.print(s));
  }
}

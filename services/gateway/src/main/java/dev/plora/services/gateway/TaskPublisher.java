package dev.plora.services.gateway;

import dev.plora.jobs.JobMachine;
import dev.plora.jobs.ProtoJson;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Task;
import dev.plora.services.support.Faults;
import dev.plora.services.support.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Everything the gateway writes to Kafka: tasks to the stage topics (key {@code
 * job/trial/stage/attempt}, so a dead-lettered task names what to re-issue; partition chosen by the
 * {@link TaskRouter}), sent together and acknowledged together; job state to the compacted state
 * topic (key: job id), and its tombstone when a job is deleted.
 */
@ApplicationScoped
public class TaskPublisher {
  @Inject GatewayProducer producer;
  @Inject TaskRouter router;
  @Inject Faults faults;

  /** Sends the tasks at once and returns when the broker has every one. */
  public void tasks(List<Task> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    List<ProducerRecord<String, String>> records = new ArrayList<>(tasks.size());
    for (Task t : tasks) {
      String key =
          t.getJobId()
              + "/"
              + t.getTrial()
              + "/"
              + JobMachine.stageName(t.getStage())
              + "/"
              + t.getAttempt();
      String payload =
          faults.corruptTask(t.getStage(), t.getAttempt())
              ? "\u0000not a task"
              : ProtoJson.print(t);
      OptionalInt partition = router.choose(t, key);
      records.add(
          new ProducerRecord<>(
              topic(t), partition.isPresent() ? partition.getAsInt() : null, key, payload));
    }
    List<RecordMetadata> acked = producer.sendAll(records);
    for (int i = 0; i < tasks.size(); i++) {
      router.dispatched(tasks.get(i), acked.get(i).partition());
    }
  }

  public void state(JobStatus s) {
    producer.send(new ProducerRecord<>(Topics.STATE, s.getJobId(), ProtoJson.print(s)));
  }

  /** The job's record on the compacted state topic is deleted. */
  public void tombstone(String jobId) {
    producer.send(new ProducerRecord<>(Topics.STATE, jobId, null));
  }

  private static String topic(Task t) {
    String topic = TaskRouter.TOPICS.get(t.getStage());
    if (topic == null) {
      throw new IllegalArgumentException("task without a stage for job " + t.getJobId());
    }
    return topic;
  }
}

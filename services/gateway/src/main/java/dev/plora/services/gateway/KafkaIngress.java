package dev.plora.services.gateway;

import dev.plora.jobs.AccessDeniedException;
import dev.plora.jobs.Caller;
import dev.plora.jobs.InvalidSpecException;
import dev.plora.jobs.ProtoJson;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Progress;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Kafka inputs of the gateway. A record that is not the expected proto3 JSON throws, and the
 * channel's failure strategy moves it to the dead-letter topic; the service keeps consuming. A
 * submission must carry its submitter's token as over gRPC, in an {@code authorization} header
 * ({@code Bearer <jwt>}); without a valid one it is dead-lettered with the reason, and no job is
 * made. A submission that is a JobSpec but names an unknown field, fails validation or names inputs
 * that are not the submitter's becomes a failed job with the reason.
 */
@ApplicationScoped
public class KafkaIngress {
  static final String AUTHORIZATION = "authorization";
  private static final String BEARER = "Bearer ";

  @Inject JobOrchestrator jobs;
  @Inject JWTParser tokens;

  /**
   * A JobSpec as JSON. Its job id is its client_job_id's job when known; otherwise the record's
   * position ({@code kafka-P-OFFSET}), so a redelivered record finds the job it already created.
   */
  @Incoming("submit")
  @Blocking
  public void onSubmit(ConsumerRecord<String, String> record) {
    if (record.value() == null) {
      throw new IllegalArgumentException(
          "empty record at " + record.topic() + "-" + record.partition() + "@" + record.offset());
    }
    Caller caller = caller(record);
    String id = "kafka-" + record.partition() + "-" + record.offset();
    JobSpec spec;
    try {
      spec = ProtoJson.parse(record.value(), JobSpec.newBuilder()).build();
    } catch (IllegalArgumentException strict) {
      // A JobSpec with a misspelt or unknown field: record it as a failed job the submitter can
      // find by its
      // client_job_id. Anything that is not a JobSpec at all throws here and goes to the
      // dead-letter topic.
      spec = ProtoJson.parseLenient(record.value(), JobSpec.newBuilder()).build();
      jobs.reject(spec, id, caller, new InvalidSpecException("spec", strict.getMessage()));
      return;
    }
    try {
      jobs.submit(spec, id, caller);
    } catch (InvalidSpecException | AccessDeniedException e) {
      jobs.reject(spec, id, caller, e);
    }
  }

  /**
   * The submitter, from the record's verified token.
   *
   * @throws IllegalArgumentException (the record is dead-lettered with this reason) without one
   */
  private Caller caller(ConsumerRecord<String, String> record) {
    String header = header(record, AUTHORIZATION);
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new IllegalArgumentException(
          "unauthenticated submission at "
              + where
              + ": a Kafka submission carries its token in an 'authorization' header ('Bearer <jwt>')");
    }
    try {
      return Callers.of(tokens.parse(header.substring(BEARER.length()).trim()));
    } catch (ParseException e) {
      throw new IllegalArgumentException(
          "submission at " + where + " has an invalid token: " + e.getMessage(), e);
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(
          "submission at " + where + " is not allowed: " + e.getMessage(), e);
    }
  }

  /** Worker outcomes, read tolerantly: a field a newer worker added is ignored, not fatal. */
  @Incoming("outcomes")
  @Blocking
  public void onOutcome(String json) {
    jobs.onOutcome(ProtoJson.parseLenient(json, Outcome.newBuilder()).build());
  }

  @Incoming("progress-in")
  public void onProgress(String json) {
    jobs.onProgress(ProtoJson.parseLenient(json, Progress.newBuilder()).build());
  }

  /**
   * The dead-letter topic: a task a worker could not read is re-issued (its key names job, trial,
   * stage and attempt); anything else there is for an operator to look at.
   */
  @Incoming("dead-letters")
  @Blocking
  public void onDeadLetter(ConsumerRecord<String, String> record) {
    String topic = header(record, "dead-letter-topic");
    if (topic == null || !topic.startsWith("plora.tasks.")) {
      return;
    }
    String reason = header(record, "dead-letter-reason");
    JobOrchestrator.TaskKey.parse(record.key())
        .ifPresent(k -> jobs.onDeadLetteredTask(k, reason == null ? "no reason given" : reason));
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}

package dev.plora.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.jobs.ProtoJson;
import dev.plora.proto.v1.ArtifactServiceGrpc;
import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.DownloadRequest;
import dev.plora.proto.v1.ExportArtifact;
import dev.plora.proto.v1.GetJobRequest;
import dev.plora.proto.v1.JobServiceGrpc;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.ListJobsRequest;
import dev.plora.proto.v1.ModelSpec;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Stage;
import dev.plora.stack.security.TokenSigner;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Attacks on a real stack as {@code plora up} secures it: callers without a token, a user reaching
 * for another user's jobs and files, a plaintext client, Kafka clients without credentials or with
 * another service's, forged worker outcomes, uploads aimed at the mesh's own files, a Kafka
 * submission without a token. Each is refused the way the API documents, and nothing changes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshSecurityTest {
  private static final StackPorts PORTS = new StackPorts(29592, 29593, 29500, 28480);
  private static StackFixture fx;
  private static String alice;
  private static String bob;
  private static MeshClient asAlice;
  private static MeshClient asBob;
  private static JobStatus aliceJob;

  @BeforeAll
  static void up() throws Exception {
    fx = StackFixture.start("security-home", PORTS, Map.of());
    TokenSigner signer = fx.stack.security().signer();
    alice = signer.mint("alice", TokenSigner.Role.USER, Duration.ofHours(1));
    bob = signer.mint("bob", TokenSigner.Role.USER, Duration.ofHours(1));
    asAlice = fx.stack.client(alice);
    asBob = fx.stack.client(bob);
    for (String f : List.of("model.onnx", "tokenizer.json", "train.jsonl", "eval.jsonl")) {
      assertThat(asAlice.upload(fx.home.resolve("local/tiny").resolve(f), f).getPath())
          .isEqualTo("uploads/alice/" + f);
      assertThat(asBob.upload(fx.home.resolve("local/tiny").resolve(f), f).getPath())
          .isEqualTo("uploads/bob/" + f);
    }
  }

  @AfterAll
  static void down() {
    if (asAlice != null) {
      asAlice.close();
      asBob.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  /** The tiny job on alice's own uploads. */
  private static JobSpec.Builder alicesJob() {
    return jobOn("uploads/alice/");
  }

  private static JobSpec.Builder jobOn(String area) {
    return StackFixture.tiny("dense", 1, 8)
        .setModel(
            ModelSpec.newBuilder()
                .setModelUri(area + "model.onnx")
                .setTokenizerUri(area + "tokenizer.json"))
        .setDataset(
            DatasetSpec.newBuilder()
                .setTrainUri(area + "train.jsonl")
                .setEvalUri(area + "eval.jsonl"))
        .addExportFormats("onnx-merged");
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  @Order(1)
  void withoutATokenEveryCallButHealthIsUnauthenticated() {
    ManagedChannel anonymous = fx.channel(null);
    ManagedChannel forged = fx.channel(alice.substring(0, alice.length() - 4) + "AAAA");
    try {
      JobServiceGrpc.JobServiceBlockingStub jobs = JobServiceGrpc.newBlockingStub(anonymous);
      assertThat(code(() -> jobs.listJobs(ListJobsRequest.getDefaultInstance())))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(code(() -> jobs.getJob(GetJobRequest.newBuilder().setJobId("x").build())))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(
              code(
                  () ->
                      ArtifactServiceGrpc.newBlockingStub(anonymous)
                          .download(DownloadRequest.newBuilder().setPath("uploads/alice/x").build())
                          .hasNext()))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      // a token whose signature does not verify
      assertThat(
              code(
                  () ->
                      JobServiceGrpc.newBlockingStub(forged)
                          .listJobs(ListJobsRequest.getDefaultInstance())))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      // reflection is off unless enabled; health stays open
      assertThat(
              code(
                  () -> {
                    var done = new java.util.concurrent.CompletableFuture<Void>();
                    var requests =
                        io.grpc.reflection.v1.ServerReflectionGrpc.newStub(anonymous)
                            .serverReflectionInfo(
                                new io.grpc.stub.StreamObserver<>() {
                                  @Override
                                  public void onNext(
                                      io.grpc.reflection.v1.ServerReflectionResponse r) {}

                                  @Override
                                  public void onError(Throwable t) {
                                    done.completeExceptionally(t);
                                  }

                                  @Override
                                  public void onCompleted() {
                                    done.complete(null);
                                  }
                                });
                    requests.onNext(
                        io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
                            .setListServices("")
                            .build());
                    requests.onCompleted();
                    try {
                      done.get(30, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                      throw (StatusRuntimeException) e.getCause();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }))
          .isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(
              io.grpc.health.v1.HealthGrpc.newBlockingStub(anonymous)
                  .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance())
                  .getStatus())
          .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    } finally {
      anonymous.shutdownNow();
      forged.shutdownNow();
    }
  }

  @Test
  @Order(2)
  void aPlaintextClientIsRefused() {
    ManagedChannel plain =
        ManagedChannelBuilder.forTarget(fx.stack.grpcTarget()).usePlaintext().build();
    try {
      assertThat(
              code(
                  () ->
                      JobServiceGrpc.newBlockingStub(plain)
                          .withDeadlineAfter(10, TimeUnit.SECONDS)
                          .listJobs(ListJobsRequest.getDefaultInstance())))
          .isIn(Status.Code.UNAVAILABLE, Status.Code.INTERNAL);
    } finally {
      plain.shutdownNow();
    }
  }

  @Test
  @Order(3)
  void bobCannotSeeOrTouchAlicesJobOrFiles() throws Exception {
    aliceJob = asAlice.submit(alicesJob().setClientJobId("shared-name").build());
    assertThat(aliceJob.getOwner()).isEqualTo("alice");
    String id = aliceJob.getJobId();
    assertThat(code(() -> asBob.get(id))).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> asBob.watch(id, Duration.ZERO).hasNext()))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> asBob.cancel(id))).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> asBob.delete(id))).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(asBob.list()).extracting(JobStatus::getJobId).doesNotContain(id);
    assertThat(fx.client.list()).extracting(JobStatus::getJobId).contains(id); // admin sees all
    // the same client_job_id from bob is bob's own job, not a way to alice's
    JobStatus bobs = asBob.submit(jobOn("uploads/bob/").setClientJobId("shared-name").build());
    assertThat(bobs.getJobId()).isNotEqualTo(id);
    assertThat(bobs.getOwner()).isEqualTo("bob");
    asBob.cancel(bobs.getJobId());
  }

  @Test
  @Order(4)
  void jobsReadOnlyTheirSubmittersUploadsAndUploadsAreWriteOnce() throws Exception {
    // bob's job naming alice's upload
    assertThat(
            code(
                () ->
                    asBob.submit(
                        StackFixture.tiny("dense", 1, 8)
                            .setDataset(
                                DatasetSpec.newBuilder().setTrainUri("uploads/alice/train.jsonl"))
                            .build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    // bob writing into alice's area, or models/
    Path local = fx.home.resolve("local/tiny/train.jsonl");
    assertThat(code(() -> asBob.upload(local, "uploads/alice/train.jsonl")))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> asBob.upload(local, "models/evil.onnx")))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    // alice replacing the input her job reads: refused; the same bytes again: accepted
    Path other = fx.home.resolve("local/other.jsonl");
    Files.writeString(other, "{\"text\": \"changed\", \"label\": \"a\"}\n");
    assertThat(code(() -> asAlice.upload(other, "train.jsonl")))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(asAlice.upload(local, "train.jsonl").getPath())
        .isEqualTo("uploads/alice/train.jsonl");
    assertThat(Files.readString(fx.stack.store().resolve("uploads/alice/train.jsonl")))
        .isEqualTo(Files.readString(local));
    // bob downloading alice's upload and (once it exists) her job's export
    assertThat(
            code(
                () ->
                    asBob.download("uploads/alice/train.jsonl", fx.home.resolve("local/b"), null)))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    JobStatus done = fx.awaitEnd(aliceJob.getJobId(), Duration.ofMinutes(4));
    assertThat(done.getState()).as(done.getReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    ExportArtifact model = done.getExports(0);
    assertThat(code(() -> asBob.download(model.getUri(), fx.home.resolve("local/b.onnx"), null)))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(asAlice.download(model.getUri(), fx.home.resolve("local/a.onnx"), model.getSha256()))
        .isEqualTo(model.getSha256());
  }

  @Test
  @Order(5)
  void uploadsAimedAtTheMeshsFilesOrNoFileAreRefusedAndNothingLandsOutsideTheStore()
      throws Exception {
    Path local = fx.home.resolve("local/tiny/train.jsonl");
    Path store = fx.stack.store();
    List<Path> before = files(store.getParent());
    for (String path :
        List.of("./jobs/x", "jobs/" + aliceJob.getJobId() + "/CANCELLED", "", ".", "a/../jobs/y")) {
      assertThat(code(() -> fx.client.upload(local, path)))
          .as(path)
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
    assertThat(store.resolve("jobs/x")).doesNotExist();
    assertThat(store.resolve("jobs/" + aliceJob.getJobId() + "/CANCELLED")).doesNotExist();
    assertThat(files(store.getParent())).containsExactlyInAnyOrderElementsOf(before);
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/logs/") && !p.toString().contains("/kafka/data/"))
          .toList();
    }
  }

  @Test
  @Order(6)
  void kafkaClientsNeedCredentialsAndEachServiceOnlyItsOwnTopics() throws Exception {
    // no credentials at all: a plaintext client gets no metadata from the SASL_SSL listener
    Properties plain = new Properties();
    plain.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, PORTS.bootstrap());
    plain.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
    try (KafkaProducer<String, String> p = fx.producer(plain)) {
      assertThatThrownBy(
              () ->
                  p.send(new ProducerRecord<>("plora.jobs.submit", "k", "v"))
                      .get(10, TimeUnit.SECONDS))
          .hasMessageContaining("Timeout");
    }
    // TLS, a known principal, the wrong password
    Properties wrong = fx.operator();
    wrong.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"operator\" password=\"guess\";");
    wrong.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10000);
    try (KafkaProducer<String, String> p = fx.producer(wrong)) {
      assertThatThrownBy(
              () ->
                  p.send(new ProducerRecord<>("plora.jobs.submit", "k", "v"))
                      .get(15, TimeUnit.SECONDS))
          .hasStackTraceContaining("Authentication failed");
    }
    wrong.put(ConsumerConfig.GROUP_ID_CONFIG, "plora-operator-x");
    wrong.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    wrong.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(wrong)) {
      c.subscribe(List.of("plora.jobs.state"));
      assertThatThrownBy(() -> c.poll(Duration.ofSeconds(10)))
          .hasStackTraceContaining("Authentication failed");
    }
    // the trainer's own principal may answer on plora.job-events, but not write job state or tasks
    try (KafkaProducer<String, String> p = fx.producer(fx.principal("trainer"))) {
      assertThatThrownBy(
              () ->
                  p.send(new ProducerRecord<>("plora.jobs.state", "job-x", "{}"))
                      .get(15, TimeUnit.SECONDS))
          .hasStackTraceContaining("TopicAuthorizationException");
    }
    try (KafkaProducer<String, String> p = fx.producer(fx.principal("trainer"))) {
      assertThatThrownBy(
              () ->
                  p.send(new ProducerRecord<>("plora.tasks.export", "job-x", "{}"))
                      .get(15, TimeUnit.SECONDS))
          .hasStackTraceContaining("TopicAuthorizationException");
    }
    // and the trainer may not read another stage's tasks
    Properties trainer = fx.principal("trainer");
    trainer.put(ConsumerConfig.GROUP_ID_CONFIG, "plora-trainer");
    trainer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    trainer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    trainer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(trainer)) {
      c.assign(List.of(new org.apache.kafka.common.TopicPartition("plora.tasks.export", 0)));
      assertThatThrownBy(() -> c.poll(Duration.ofSeconds(10)))
          .hasStackTraceContaining("Not authorized to access topics");
    }
  }

  @Test
  @Order(7)
  void forgedOutcomesAreIgnored() throws Exception {
    // No discovery worker: the job waits in DISCOVERING, so only forged outcomes can arrive.
    fx.stack.stop(StackService.MASK_DISCOVERY, false);
    JobStatus job =
        asAlice.submit(
            alicesJob()
                .setStrategy(
                    dev.plora.proto.v1.StrategySpec.newBuilder()
                        .setKind("partial-lora")
                        .setFewShot(4))
                .build());
    String id = job.getJobId();
    Outcome exportOutside =
        Outcome.newBuilder()
            .setJobId(id)
            .setTrial(0)
            .setStage(Stage.STAGE_EXPORT)
            .setAttempt(1)
            .setOk(true)
            .setWorker("forger")
            .addExports(
                ExportArtifact.newBuilder()
                    .setFormat("onnx-merged")
                    .setUri("uploads/bob/evil.onnx"))
            .build();
    Outcome planOutside =
        Outcome.newBuilder()
            .setJobId(id)
            .setTrial(0)
            .setStage(Stage.STAGE_DISCOVER)
            .setAttempt(1)
            .setOk(true)
            .setWorker("forger")
            .setPlanUri("jobs/" + aliceJob.getJobId() + "/trial-0/plan")
            .build();
    Outcome unissuedAttempt =
        planOutside.toBuilder().setAttempt(7).setPlanUri("jobs/" + id + "/trial-0/plan").build();
    // sent with a worker's own credentials: the broker lets exporters answer on job-events
    try (KafkaProducer<String, String> p = fx.producer(fx.principal("exporter"))) {
      for (Outcome o : List.of(exportOutside, planOutside, unissuedAttempt)) {
        p.send(new ProducerRecord<>("plora.job-events", id, ProtoJson.print(o)))
            .get(15, TimeUnit.SECONDS);
      }
    }
    StackFixture.await(
        s ->
            fx.log(StackService.GATEWAY)
                .contains(
                    "job=" + id + " trial=0 stage=discover: outcome from worker 'forger' refused"),
        "the gateway to refuse the forged outcomes",
        Duration.ofSeconds(30),
        () -> fx.client.get(id));
    Thread.sleep(2000); // the unissued attempt after them
    JobStatus still = fx.client.get(id);
    assertThat(still.getState()).isEqualTo(JobState.JOB_STATE_DISCOVERING);
    assertThat(still.getTrials(0).getPlanUri()).isEmpty();
    assertThat(still.getExportsList()).isEmpty();
    assertThat(fx.log(StackService.GATEWAY))
        .contains("'uploads/bob/evil.onnx' is outside the job's directory jobs/" + id + "/");
    // the genuine worker comes back and the job ends with exports inside its own directory
    fx.stack.start(StackService.MASK_DISCOVERY, System.out);
    JobStatus done = fx.awaitEnd(id, Duration.ofMinutes(4));
    assertThat(done.getState()).as(done.getReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(done.getExports(0).getUri()).startsWith("jobs/" + id + "/");
  }

  @Test
  @Order(8)
  void aKafkaSubmissionWithoutAValidTokenIsDeadLetteredWithTheReason() throws Exception {
    String spec = ProtoJson.print(alicesJob().setClientJobId("kafka-no-token").build());
    String forgedSpec = ProtoJson.print(alicesJob().setClientJobId("kafka-forged-token").build());
    try (KafkaProducer<String, String> p = fx.producer()) {
      p.send(StackFixture.submission("no-token", spec, null)).get(15, TimeUnit.SECONDS);
      p.send(StackFixture.submission("forged", forgedSpec, bob + "x")).get(15, TimeUnit.SECONDS);
      // alice's token, her own inputs: accepted and hers
      p.send(
              StackFixture.submission(
                  "alice",
                  ProtoJson.print(alicesJob().setClientJobId("kafka-alice").build()),
                  alice))
          .get(15, TimeUnit.SECONDS);
    }
    List<ConsumerRecord<String, String>> dead =
        fx.records(
            "plora.dead-letter",
            Duration.ofSeconds(60),
            rs ->
                rs.stream()
                        .filter(
                            r ->
                                r.value() != null
                                    && (r.value().equals(spec) || r.value().equals(forgedSpec)))
                        .count()
                    == 2);
    assertThat(reason(dead, spec)).contains("authorization").contains("Bearer");
    assertThat(reason(dead, forgedSpec)).contains("invalid token");
    JobStatus accepted =
        StackFixture.await(
            s -> true,
            "alice's Kafka job",
            Duration.ofSeconds(60),
            () ->
                asAlice.list().stream()
                    .filter(j -> j.getSpec().getClientJobId().equals("kafka-alice"))
                    .findFirst()
                    .orElse(null));
    assertThat(accepted.getOwner()).isEqualTo("alice");
    assertThat(fx.client.list())
        .extracting(j -> j.getSpec().getClientJobId())
        .doesNotContain("kafka-no-token", "kafka-forged-token");
  }

  private static String reason(List<ConsumerRecord<String, String>> records, String value) {
    return records.stream()
        .filter(r -> value.equals(r.value()))
        .map(r -> r.headers().lastHeader("dead-letter-reason"))
        .filter(java.util.Objects::nonNull)
        .map(h -> new String(h.value(), StandardCharsets.UTF_8))
        .findFirst()
        .orElse("(no dead-letter record)");
  }
}

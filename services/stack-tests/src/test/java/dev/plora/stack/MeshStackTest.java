package dev.plora.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.jobs.JobMachine;
import dev.plora.jobs.ProtoJson;
import dev.plora.jobs.TinyJob;
import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.ExportArtifact;
import dev.plora.proto.v1.JobEvent;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.LoraSpec;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.StrategySpec;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The mesh end to end: a real Kafka broker and the five services as separate processes (the jars
 * this build produced), on a tiny generated model whose files are uploaded through the
 * ArtifactService. {@code file:} URIs are disabled here, as on a shared deployment.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshStackTest {
  private static final StackPorts PORTS = new StackPorts(29192, 29193, 29100, 28080);
  private static StackFixture fx;
  private static LocalStack stack;
  private static MeshClient client;
  private static Path home;

  @BeforeAll
  static void up() throws Exception {
    fx = StackFixture.start("stack-home", PORTS, Map.of());
    stack = fx.stack;
    client = fx.client;
    home = fx.home;
  }

  @AfterAll
  static void down() {
    if (fx != null) {
      fx.close();
    }
  }

  static JobSpec.Builder tiny(String strategy, int epochs, int batch) {
    return StackFixture.tiny(strategy, epochs, batch);
  }

  static List<JobEvent> watch(String jobId) {
    return fx.watch(jobId);
  }

  static JobStatus await(
      Predicate<JobStatus> condition,
      String what,
      Duration timeout,
      java.util.function.Supplier<JobStatus> poll)
      throws InterruptedException {
    return StackFixture.await(condition, what, timeout, poll);
  }

  static JobStatus byClientId(String clientJobId) {
    return fx.byClientId(clientJobId);
  }

  @Test
  @Order(1)
  void aJobSubmittedThroughGrpcEndsInAnOnnxModelThatOnnxRuntimeRuns() throws Exception {
    JobStatus submitted =
        client.submit(
            tiny("partial-lora", 2, 8)
                .addExportFormats("onnx-merged")
                .addExportFormats("peft")
                .build());
    assertThat(submitted.getState()).isEqualTo(JobState.JOB_STATE_DISCOVERING);
    List<JobEvent> events = watch(submitted.getJobId());
    JobStatus end = events.get(events.size() - 1).getStatus();
    assertThat(end.getState()).as(end.getReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(events)
        .filteredOn(JobEvent::hasProgress)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getProgress().getStage()).isEqualTo(Stage.STAGE_TRAIN));
    assertThat(events)
        .filteredOn(JobEvent::hasStatus)
        .extracting(e -> e.getStatus().getState())
        .contains(
            JobState.JOB_STATE_TRAINING,
            JobState.JOB_STATE_EVALUATING,
            JobState.JOB_STATE_EXPORTING);
    assertThat(end.getTrials(0).getMetrics().getAdapterParams())
        .isLessThan(end.getTrials(0).getMetrics().getDenseLoraParams());
    assertThat(end.getExportsList()).hasSize(2);

    // download the merged model through the ArtifactService (verified against its digest, which
    // sha256sum's would match) and run it in ONNX Runtime
    Path onnx = home.resolve("local/downloaded.onnx");
    ExportArtifact merged = end.getExports(0);
    assertThat(merged.getSha256()).matches("[0-9a-f]{64}");
    assertThat(client.download(merged.getUri(), onnx, merged.getSha256()))
        .isEqualTo(merged.getSha256());
    assertThat(Files.size(onnx)).isEqualTo(merged.getBytes());
    float[] p = TinyJob.ortProbabilities(onnx);
    assertThat(p[0] + p[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
    // a folder export: its files, each with its digest, and the manifest digest over them
    ExportArtifact peft = end.getExports(1);
    assertThat(peft.getFilesList()).hasSizeGreaterThanOrEqualTo(2);
    StringBuilder manifest = new StringBuilder();
    for (var f : peft.getFilesList()) {
      Path local = home.resolve("local/peft").resolve(Path.of(f.getUri()).getFileName());
      assertThat(client.download(f.getUri(), local, f.getSha256())).isEqualTo(f.getSha256());
      manifest
          .append(f.getSha256())
          .append("  ")
          .append(f.getUri().substring(peft.getUri().length() + 1))
          .append('\n');
    }
    assertThat(peft.getSha256()).isEqualTo(sha256Hex(manifest.toString()));
    assertThatThrownBy(
            () -> client.download(merged.getUri(), home.resolve("local/bad.onnx"), "0".repeat(64)))
        .hasMessageContaining("does not match its digest");
    assertThat(home.resolve("local/bad.onnx")).doesNotExist();

    // gRPC health answers without a token, over TLS
    {
      ManagedChannel grpc =
          io.grpc.Grpc.newChannelBuilder(
                  stack.grpcTarget(),
                  io.grpc.TlsChannelCredentials.newBuilder()
                      .trustManager(stack.security().caPem().toFile())
                      .build())
              .build();
      try {
        assertThat(
                io.grpc.health.v1.HealthGrpc.newBlockingStub(grpc)
                    .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance())
                    .getStatus())
            .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        grpc.shutdownNow();
      }
    }

    // health and Prometheus metrics on every service
    HttpClient http = HttpClient.newHttpClient();
    for (StackService s : StackService.ORDER) {
      if (s.httpPort(PORTS) < 0) {
        continue;
      }
      assertThat(get(http, s.httpPort(PORTS), "/q/health").statusCode()).as(s.id()).isEqualTo(200);
      assertThat(get(http, s.httpPort(PORTS), "/q/metrics").body())
          .as(s.id())
          .contains("jvm_memory_used_bytes");
    }
    assertThat(get(http, PORTS.httpBase(), "/q/metrics").body())
        .contains("plora_jobs_submitted_total");
    assertThat(get(http, StackService.TRAINER.httpPort(PORTS), "/q/metrics").body())
        .contains("plora_task_duration_seconds");
  }

  private static String sha256Hex(String s) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(2)
  void kafkaRecordsStartJobsAndUndecodableOnesGoToTheDeadLetterTopic() throws Exception {
    String poison = "this is not a JobSpec " + System.nanoTime();
    try (KafkaProducer<String, String> producer = producer()) {
      producer
          .send(StackFixture.submission("poison", poison, fx.adminToken()))
          .get(30, TimeUnit.SECONDS);
      String valid = ProtoJson.print(tiny("dense", 1, 8).setClientJobId("kafka-json-1").build());
      producer
          .send(StackFixture.submission("kafka-json-1", valid, fx.adminToken()))
          .get(30, TimeUnit.SECONDS);
      String invalid =
          ProtoJson.print(
              tiny("dense", 1, 8)
                  .setClientJobId("kafka-bad-1")
                  .setLora(LoraSpec.newBuilder().setRank(-2))
                  .build());
      producer
          .send(StackFixture.submission("kafka-bad-1", invalid, fx.adminToken()))
          .get(30, TimeUnit.SECONDS);
      String misspelt = "{\"clientJobId\": \"kafka-bad-2\", \"lora\": {\"rnak\": 4}}";
      producer
          .send(StackFixture.submission("kafka-bad-2", misspelt, fx.adminToken()))
          .get(30, TimeUnit.SECONDS);
    }
    assertThat(deadLetters(Duration.ofSeconds(60), poison)).contains(poison);

    JobStatus done =
        await(
            s -> JobMachine.isTerminal(s.getState()),
            "the Kafka-submitted job to end",
            Duration.ofMinutes(3),
            () -> byClientId("kafka-json-1"));
    assertThat(done.getState()).as(done.getReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(done.getJobId()).startsWith("kafka-");
    JobStatus rejected =
        await(
            s -> true,
            "the invalid Kafka job",
            Duration.ofSeconds(60),
            () -> byClientId("kafka-bad-1"));
    assertThat(rejected.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(rejected.getReason()).contains("lora.rank").contains("-2");
    JobStatus misspelt =
        await(
            s -> true,
            "the misspelt Kafka job",
            Duration.ofSeconds(60),
            () -> byClientId("kafka-bad-2"));
    assertThat(misspelt.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(misspelt.getReason()).contains("rnak");
  }

  @Test
  @Order(3)
  void invalidSpecsAndDisallowedUrisAreRefusedWithTheField() {
    assertThatThrownBy(
            () ->
                client.submit(
                    tiny("dense", 1, 8).setLora(LoraSpec.newBuilder().setRank(-1)).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("lora.rank:");
            });
    assertThatThrownBy(
            () ->
                client.submit(
                    tiny("dense", 1, 8)
                        .setDataset(
                            DatasetSpec.newBuilder()
                                .setTrainUri(
                                    home.resolve("local/tiny/train.jsonl").toUri().toString()))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("dataset.train_uri")
                  .contains("file: URIs are disabled");
            });
    assertThatThrownBy(
            () ->
                client.submit(
                    tiny("dense", 1, 8)
                        .setDataset(
                            DatasetSpec.newBuilder().setTrainUri("uploads/../../../etc/passwd"))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(e.getStatus().getDescription())
                    .contains("dataset.train_uri")
                    .contains("'..'"));
    assertThatThrownBy(
            () -> client.upload(home.resolve("local/tiny/train.jsonl"), "../escape.jsonl"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("'..'");
            });
    assertThat(Files.exists(stack.store().getParent().resolve("escape.jsonl"))).isFalse();
  }

  @Test
  @Order(4)
  void aTrainerKilledMidTrainingIsReplacedAndTheJobResumesFromItsCheckpoint() throws Exception {
    // 60 epochs of 8 steps, a checkpoint every 5: long enough that the kill, which follows the
    // first report past
    // step 12 through Kafka and the gateway (~1 s), lands mid-training even on a fast machine (10
    // epochs did not).
    int totalSteps = 60 * 8;
    JobStatus submitted = client.submit(tiny("dense", 60, 4).build());
    List<Progress> progress = new ArrayList<>();
    List<JobStatus> statuses = new ArrayList<>();
    long deadAtMs = Long.MAX_VALUE;
    Iterator<JobEvent> events = client.watch(submitted.getJobId());
    while (events.hasNext()) {
      JobEvent e = events.next();
      if (e.hasStatus()) {
        statuses.add(e.getStatus());
        continue;
      }
      progress.add(e.getProgress());
      if (deadAtMs == Long.MAX_VALUE && e.getProgress().getStep() >= 12) {
        stack.stop(StackService.TRAINER, true); // SIGKILL: no graceful shutdown, no commit
        deadAtMs = System.currentTimeMillis(); // workers stamp progress with the same clock
        stack.start(StackService.TRAINER, System.out);
      }
    }
    JobStatus end = statuses.get(statuses.size() - 1);
    assertThat(end.getState()).as(end.getReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    long dead = deadAtMs;
    // Reports stamped before the kill came from the old process, even those that arrived late.
    long killedAt =
        progress.stream()
            .filter(p -> p.getTimeMs() <= dead)
            .mapToLong(Progress::getStep)
            .max()
            .orElseThrow();
    List<Progress> after = progress.stream().filter(p -> p.getTimeMs() > dead).toList();
    assertThat(killedAt)
        .as("last step the old trainer reported before the kill")
        .isLessThan(totalSteps);
    assertThat(after)
        .as("progress from the replacement trainer (old one reported %d)", killedAt)
        .isNotEmpty();
    long resumedAt = after.get(0).getStep();
    System.out.printf(
        "trainer killed after step %d; the replacement resumed at step %d%n", killedAt, resumedAt);
    // It continued right after a checkpoint (every 5 steps), no earlier than the last one the old
    // process had
    // certainly passed; progress is reported at most every 0.5 s, so the old one may have got
    // further unseen.
    assertThat(resumedAt)
        .as("first step of the replacement (old one reported %d)", killedAt)
        .isGreaterThanOrEqualTo(killedAt / 5 * 5 + 1);
    assertThat((resumedAt - 1) % 5).as("resumed right after a checkpoint").isZero();
    assertThat(after.get(after.size() - 1).getStep()).isEqualTo(totalSteps);
    assertThat(statuses).filteredOn(s -> s.getState() == JobState.JOB_STATE_SUCCEEDED).hasSize(1);
    assertThat(end.getExportsList()).hasSize(1);
  }

  @Test
  @Order(5)
  void aRestartedGatewayKeepsEveryJobAndFinishesTheOneInFlight() throws Exception {
    List<JobStatus> finished = client.list();
    // 480 steps: training outlasts the gateway's restart, so outcomes arrive while it is down or
    // rebuilding.
    JobStatus inFlight =
        client.submit(
            tiny("uniform", 60, 4)
                .setStrategy(StrategySpec.newBuilder().setKind("uniform").setDensity(0.5))
                .build());
    JobStatus training =
        await(
            s -> s.getState() == JobState.JOB_STATE_TRAINING && s.hasProgress(),
            "training progress",
            Duration.ofMinutes(2),
            () -> client.get(inFlight.getJobId()));
    assertThat(training.getProgress().getStep())
        .as("step when the gateway is killed")
        .isLessThan(60 * 8);
    stack.stop(StackService.GATEWAY, true);
    stack.start(StackService.GATEWAY, System.out);
    for (JobStatus f : finished) {
      JobStatus now = client.get(f.getJobId());
      assertThat(now.getState()).isEqualTo(f.getState());
      assertThat(now.getTrialsList()).isEqualTo(f.getTrialsList());
      assertThat(now.getExportsList()).isEqualTo(f.getExportsList());
    }
    JobStatus end =
        await(
            s -> JobMachine.isTerminal(s.getState()),
            "the in-flight job to end",
            Duration.ofMinutes(3),
            () -> client.get(inFlight.getJobId()));
    assertThat(end.getState()).as(end.getReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
  }

  @Test
  @Order(6)
  void aCancelledJobStopsTraining() throws Exception {
    JobStatus submitted =
        client.submit(tiny("dense", 200, 4).build()); // 1,600 steps: the cancel lands mid-training
    await(
        s -> s.hasProgress() && s.getProgress().getStep() >= 3,
        "training progress",
        Duration.ofMinutes(2),
        () -> client.get(submitted.getJobId()));
    assertThat(client.cancel(submitted.getJobId()).getState())
        .isEqualTo(JobState.JOB_STATE_CANCELLED);
    Thread.sleep(3000);
    JobStatus later = client.get(submitted.getJobId());
    assertThat(later.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    assertThat(stack.tail(StackService.TRAINER, 30))
        .contains(
            "job=" + submitted.getJobId() + " trial=0 stage=train attempt=1: failed: cancelled");
    assertThatThrownBy(() -> client.get("no-such-job"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  @Order(7)
  void aPythonGrpcClientSubmitsAndWatchesAJob() throws Exception {
    Path root = StackFixture.root();
    Path stubs = Files.createDirectories(home.resolve("python"));
    List<String> protos =
        List.of("plora/v1/job.proto", "plora/v1/task.proto", "plora/v1/service.proto");
    String python = python(root);
    List<String> gen =
        new ArrayList<>(
            List.of(
                python,
                "-m",
                "grpc_tools.protoc",
                "-I",
                root.resolve("proto/src/main/proto").toString(),
                "--python_out=" + stubs,
                "--grpc_python_out=" + stubs));
    gen.addAll(protos);
    assertThat(run(gen, Map.of())).as("protoc").startsWith("0\n");
    String spec = ProtoJson.print(tiny("partial-lora", 2, 8).build());
    String out =
        run(
            List.of(
                python,
                root.resolve("clients/python/examples/submit_and_watch.py").toString(),
                stack.grpcTarget(),
                stack.security().caPem().toString(),
                stack.security().adminToken().toString(),
                spec),
            // The packaged client (clients/python, plora_peft.client) on stubs generated here.
            Map.of(
                "PYTHONPATH",
                stubs + java.io.File.pathSeparator + root.resolve("clients/python/src")));
    assertThat(out)
        .startsWith("0\n")
        .contains("submitted ")
        .contains("progress trial 0 step 8/8")
        .contains("status JOB_STATE_SUCCEEDED")
        .contains("owner admin")
        .contains("export onnx-merged jobs/")
        .containsPattern("sha256 [0-9a-f]{64}");
  }

  /**
   * The project's virtual environment (grpcio and a protoc that knows proto3 optional), else the
   * system's.
   */
  private static String python(Path root) {
    Path venv = root.resolve(".venv/bin/python");
    return Files.isExecutable(venv) ? venv.toString() : "/usr/bin/python3";
  }

  private static String run(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return p.exitValue() + "\n" + out;
  }

  private static KafkaProducer<String, String> producer() {
    return fx.producer();
  }

  private static List<String> deadLetters(Duration timeout, String wanted) {
    return fx
        .records(
            "plora.dead-letter", timeout, rs -> rs.stream().anyMatch(r -> wanted.equals(r.value())))
        .stream()
        .map(ConsumerRecord::value)
        .toList();
  }
}

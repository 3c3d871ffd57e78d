package dev.plora.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.jobs.ProtoJson;
import dev.plora.proto.v1.ArtifactServiceGrpc;
import dev.plora.proto.v1.DownloadChunk;
import dev.plora.proto.v1.DownloadRequest;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.ListJobsRequest;
import dev.plora.proto.v1.ListJobsResponse;
import dev.plora.proto.v1.LoraSpec;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The mesh with two trainer replicas: concurrent jobs spread over them, a long job does not hold up
 * a short one while a trainer is idle, a slow downloader costs the gateway bounded memory, jobs can
 * be deleted, and job lists come in pages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshScaleTest {
  private static final StackPorts PORTS = new StackPorts(29392, 29393, 29300, 28280);
  private static StackFixture fx;

  @BeforeAll
  static void up() throws Exception {
    fx =
        StackFixture.start(
            "scale-home", PORTS, Map.<String, String>of(), Map.of(StackService.TRAINER, 2));
  }

  @AfterAll
  static void down() {
    if (fx != null) {
      fx.close();
    }
  }

  private static long succeededRecords(List<ConsumerRecord<String, String>> state, String jobId) {
    return state.stream()
        .filter(r -> jobId.equals(r.key()) && r.value() != null)
        .filter(
            r ->
                ProtoJson.parseLenient(r.value(), JobStatus.newBuilder()).getState()
                    == JobState.JOB_STATE_SUCCEEDED)
        .count();
  }

  @Test
  @Order(1)
  void eightConcurrentJobsOnTwoTrainersAllSucceedWithOneResultEach() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<JobStatus>> submitted = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      submitted.add(
          clients.submit(() -> fx.client.submit(StackFixture.tiny("dense", 4, 8).build())));
    }
    List<String> ids = new ArrayList<>();
    for (Future<JobStatus> f : submitted) {
      ids.add(f.get(2, TimeUnit.MINUTES).getJobId());
    }
    clients.shutdown();
    for (String id : ids) {
      JobStatus end = fx.awaitEnd(id, Duration.ofMinutes(10));
      assertThat(end.getState()).as(end.getReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertThat(end.getExportsList()).hasSize(1);
    }
    List<ConsumerRecord<String, String>> state =
        fx.records("plora.jobs.state", Duration.ofSeconds(15), rs -> false);
    for (String id : ids) {
      assertThat(succeededRecords(state, id)).as(id).isEqualTo(1);
    }
    // Both replicas trained.
    long first =
        ids.stream()
            .filter(id -> fx.log(new StackInstance(StackService.TRAINER, 1)).contains("job=" + id))
            .count();
    long second =
        ids.stream()
            .filter(id -> fx.log(new StackInstance(StackService.TRAINER, 2)).contains("job=" + id))
            .count();
    System.out.printf("SCALE 8 jobs: trainer-1 trained %d, trainer-2 trained %d%n", first, second);
    assertThat(first).isPositive();
    assertThat(second).isPositive();
  }

  @Test
  @Order(2)
  void aLongJobDoesNotHoldUpAShortOneWhileASecondTrainerIsIdle() throws Exception {
    long t0 = System.currentTimeMillis();
    JobStatus alone =
        fx.awaitEnd(
            fx.client.submit(StackFixture.tiny("dense", 2, 8).build()).getJobId(),
            Duration.ofMinutes(3));
    double shortAlone = (alone.getUpdatedMs() - t0) / 1000.0;
    // 8,000 steps: about a minute at 6-7 ms per step (1,200 took 8 s once page faults were gone).
    JobStatus longJob = fx.client.submit(StackFixture.tiny("dense", 1000, 4).build());
    StackFixture.await(
        s -> s.hasProgress() && s.getProgress().getStep() >= 5,
        "the long job training",
        Duration.ofMinutes(2),
        () -> fx.client.get(longJob.getJobId()));
    long t1 = System.currentTimeMillis();
    JobStatus shortJob =
        fx.awaitEnd(
            fx.client.submit(StackFixture.tiny("dense", 2, 8).build()).getJobId(),
            Duration.ofMinutes(3));
    double shortBeside = (shortJob.getUpdatedMs() - t1) / 1000.0;
    JobStatus stillTraining = fx.client.get(longJob.getJobId());
    System.out.printf(
        "SCALE short job alone %.1f s, beside a long one %.1f s (long job at step %d)%n",
        shortAlone, shortBeside, stillTraining.getProgress().getStep());
    assertThat(shortJob.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(stillTraining.getState())
        .as("the long job still trains")
        .isEqualTo(JobState.JOB_STATE_TRAINING);
    assertThat(shortBeside)
        .as("delay beyond one short job's duration")
        .isLessThanOrEqualTo(2 * shortAlone);
    fx.client.cancel(longJob.getJobId());
  }

  @Test
  @Order(3)
  void aSlowDownloaderCostsTheGatewayBoundedMemoryWhileOtherJobsProgress() throws Exception {
    Path big = fx.home.resolve("local/big.bin");
    byte[] block = new byte[1 << 20];
    new Random(1).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(big)) {
      for (int i = 0; i < 90; i++) {
        out.write(block);
      }
    }
    fx.client.upload(big, "uploads/big.bin");
    StackInstance gateway = StackInstance.first(StackService.GATEWAY);
    Thread.sleep(2000);
    long before = fx.stack.residentBytes(gateway);
    ManagedChannel ch = fx.channel(fx.adminToken());
    AtomicLong received = new AtomicLong();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    ClientCallStreamObserver<DownloadRequest>[] call = new ClientCallStreamObserver[1];
    // Reads one 64 KiB chunk per second: 64 KiB/s, about 24 minutes for the whole file.
    ArtifactServiceGrpc.newStub(ch)
        .download(
            DownloadRequest.newBuilder().setPath("uploads/big.bin").build(),
            new ClientResponseObserver<DownloadRequest, DownloadChunk>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<DownloadRequest> requestStream) {
                call[0] = requestStream;
                requestStream.disableAutoRequestWithInitial(1);
              }

              @Override
              public void onNext(DownloadChunk chunk) {
                received.addAndGet(chunk.getData().size());
              }

              @Override
              public void onError(Throwable t) {
                finished.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                finished.complete(null);
              }
            });
    JobStatus other = fx.client.submit(StackFixture.tiny("dense", 2, 8).build());
    long peak = before;
    for (int s = 0; s < 25; s++) {
      Thread.sleep(1000);
      call[0].request(1);
      peak = Math.max(peak, fx.stack.residentBytes(gateway));
    }
    JobStatus otherEnd = fx.awaitEnd(other.getJobId(), Duration.ofMinutes(3));
    System.out.printf(
        "SCALE slow download: %d KiB read in 25 s; gateway RSS %d MB before, peak %d MB%n",
        received.get() >> 10, before >> 20, peak >> 20);
    assertThat(finished).isNotDone();
    assertThat(received.get())
        .isLessThan(8L << 20); // the reader took what it asked for, not the file
    assertThat(peak - before)
        .as("gateway memory growth while 90 MB wait for a slow reader")
        .isLessThan(48L << 20);
    assertThat(otherEnd.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    ch.shutdownNow();
  }

  @Test
  @Order(4)
  void aDeletedJobLeavesNoFileAndNoStateRecord() throws Exception {
    JobStatus running = fx.client.submit(StackFixture.tiny("dense", 100, 4).build());
    assertThatThrownBy(() -> fx.client.delete(running.getJobId()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    fx.client.cancel(running.getJobId());
    JobStatus done =
        fx.awaitEnd(
            fx.client.submit(StackFixture.tiny("dense", 1, 8).build()).getJobId(),
            Duration.ofMinutes(3));
    Path dir = fx.stack.store().resolve("jobs").resolve(done.getJobId());
    assertThat(dir).exists();
    assertThat(fx.client.delete(done.getJobId()).getBytesFreed()).isPositive();
    assertThat(dir).doesNotExist();
    assertThatThrownBy(() -> fx.client.get(done.getJobId()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    List<ConsumerRecord<String, String>> state =
        fx.records("plora.jobs.state", Duration.ofSeconds(15), rs -> false);
    List<ConsumerRecord<String, String>> ofJob =
        state.stream().filter(r -> done.getJobId().equals(r.key())).toList();
    assertThat(ofJob.get(ofJob.size() - 1).value())
        .as("the job's last state record is a tombstone")
        .isNull();
    // A restarted gateway does not bring it back.
    fx.stack.stop(StackService.GATEWAY, false);
    fx.stack.start(StackService.GATEWAY, System.out);
    assertThatThrownBy(() -> fx.client.get(done.getJobId()))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  @Order(5)
  void fiveHundredJobsComeInPages() throws Exception {
    // Invalid specs become failed jobs at once: 500 jobs in the table without 500 trainings.
    try (KafkaProducer<String, String> producer = fx.producer()) {
      for (int i = 0; i < 500; i++) {
        String spec =
            ProtoJson.print(
                StackFixture.tiny("dense", 1, 8)
                    .setClientJobId("page-" + i)
                    .setLora(LoraSpec.newBuilder().setRank(-1))
                    .build());
        producer.send(StackFixture.submission("page-" + i, spec, fx.adminToken()));
      }
      producer.flush();
    }
    StackFixture.await(
        s -> true, "the 500th job", Duration.ofMinutes(3), () -> fx.byClientId("page-499"));
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListJobsResponse page =
          fx.client.listPage(
              ListJobsRequest.newBuilder()
                  .addStates(JobState.JOB_STATE_FAILED)
                  .setPageSize(50)
                  .setPageToken(token)
                  .build());
      page.getJobsList().forEach(j -> seen.add(j.getSpec().getClientJobId()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    List<String> paged = seen.stream().filter(c -> c.startsWith("page-")).toList();
    assertThat(paged).hasSize(500).doesNotHaveDuplicates();
    assertThat(pages).isGreaterThanOrEqualTo(10);
    System.out.printf("SCALE listed %d failed jobs in %d pages of 50%n", seen.size(), pages);
  }
}

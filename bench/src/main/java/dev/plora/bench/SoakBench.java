package dev.plora.bench;

import dev.plora.jobs.JobMachine;
import dev.plora.jobs.ProtoJson;
import dev.plora.jobs.TinyJob;
import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.LoraSpec;
import dev.plora.proto.v1.ModelSpec;
import dev.plora.proto.v1.StrategySpec;
import dev.plora.proto.v1.TrainingSpec;
import dev.plora.stack.LocalStack;
import dev.plora.stack.MeshClient;
import dev.plora.stack.StackInstance;
import dev.plora.stack.StackPorts;
import dev.plora.stack.StackService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The mesh under load and faults (issue 12's soak): an embedded stack with REPLICAS trainers; JOBS
 * small jobs (a tiny generated model, seconds each) submitted by three gRPC clients and one Kafka
 * producer; with {@code chaos}, random workers SIGKILLed (and restarted, as Kubernetes would) every
 * 20 s and the gateway once. Prints submitted / succeeded / failed / lost / duplicated results,
 * p50/p95 latency, jobs per minute and the gateway's peak resident memory as one markdown row.
 *
 * <p>Usage: {@code SoakBench HOME JOBS REPLICAS DURATION_S chaos|calm}. DURATION_S bounds the run:
 * jobs not ended by then (plus 3 minutes' grace) count as lost.
 */
public final class SoakBench {
  private SoakBench() {}

  /** The operator's Kafka client settings and the admin token, read after {@code up}. */
  private static final Properties KAFKA = new Properties();

  private static String token;

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    int jobs = Integer.parseInt(args[1]);
    int replicas = Integer.parseInt(args[2]);
    Duration duration = Duration.ofSeconds(Long.parseLong(args[3]));
    boolean chaos = args[4].equals("chaos");
    Path root = Path.of(System.getProperty("plora.root", ".")).toAbsolutePath().normalize();
    StackPorts ports = new StackPorts(29492, 29493, 29400, 28380);
    LocalStack stack =
        new LocalStack(root, home, ports, false)
            .withEnvironment(
                Map.of("PLORA_SILENCE_TIMEOUT", "20s", "PLORA_HEARTBEAT_INTERVAL", "2s"))
            .withReplicas(StackService.TRAINER, replicas);
    stack.down();
    stack.up(System.err);
    // The stack is secure: the operator's SASL_SSL settings for Kafka, the admin token for
    // submissions.
    try (var in = java.nio.file.Files.newInputStream(stack.security().clientProperties())) {
      KAFKA.load(in);
    }
    token = dev.plora.stack.security.StackSecurity.readToken(stack.security().adminToken());
    try (MeshClient client = stack.client()) {
      Path tiny = TinyJob.write(home.resolve("local/tiny"), 32);
      for (String f : List.of("model.onnx", "tokenizer.json", "train.jsonl", "eval.jsonl")) {
        client.upload(tiny.resolve(f), "uploads/tiny/" + f);
      }
      run(stack, client, ports, jobs, replicas, duration, chaos);
    } finally {
      stack.down();
    }
  }

  private static JobSpec spec(String clientJobId) {
    return JobSpec.newBuilder()
        .setClientJobId(clientJobId)
        .setModel(
            ModelSpec.newBuilder()
                .setModelUri("uploads/tiny/model.onnx")
                .setTokenizerUri("uploads/tiny/tokenizer.json"))
        .setDataset(
            DatasetSpec.newBuilder()
                .setTrainUri("uploads/tiny/train.jsonl")
                .setEvalUri("uploads/tiny/eval.jsonl"))
        .setLora(LoraSpec.newBuilder().setRank(4))
        .setStrategy(StrategySpec.newBuilder().setKind("dense"))
        .setTraining(
            TrainingSpec.newBuilder()
                .setEpochs(4)
                .setBatchSize(8)
                .setMaxLength(16)
                .setCheckpointEvery(4))
        .build();
  }

  private static void run(
      LocalStack stack,
      MeshClient client,
      StackPorts ports,
      int jobs,
      int replicas,
      Duration duration,
      boolean chaos)
      throws Exception {
    long t0 = System.currentTimeMillis();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong peakGateway = new AtomicLong();
    StackInstance gateway = StackInstance.first(StackService.GATEWAY);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    pool.submit(
        () -> {
          while (!stop.get()) {
            peakGateway.accumulateAndGet(stack.residentBytes(gateway), Math::max);
            sleep(1000);
          }
        });
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      ids.add("soak-" + t0 + "-" + i);
    }
    // Three gRPC clients and one Kafka producer share the jobs; submissions spread over the first
    // half.
    long spacing = Math.max(1, duration.toMillis() / 2 / Math.max(1, (jobs + 3) / 4));
    for (int c = 0; c < 4; c++) {
      int client4 = c;
      pool.submit(
          () -> {
            try (KafkaProducer<String, String> producer = producer(ports)) {
              for (int i = client4; i < jobs; i += 4) {
                sleep(spacing);
                String id = ids.get(i);
                try {
                  if (client4 == 3) {
                    ProducerRecord<String, String> record =
                        new ProducerRecord<>("plora.jobs.submit", id, ProtoJson.print(spec(id)));
                    record
                        .headers()
                        .add(
                            "authorization",
                            ("Bearer " + token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    producer.send(record).get(10, TimeUnit.MINUTES);
                  } else {
                    client.submit(spec(id));
                  }
                } catch (Exception e) {
                  System.err.printf(
                      "soak: submitting %s failed (%s); retrying once%n", id, e.getMessage());
                  sleep(5000);
                  try {
                    client.submit(spec(id)); // same client_job_id: never a duplicate job
                  } catch (RuntimeException again) {
                    System.err.printf("soak: %s not submitted: %s%n", id, again.getMessage());
                  }
                }
              }
            }
            return null;
          });
    }
    int kills = 0;
    boolean gatewayKilled = false;
    Random random = new Random(7);
    List<StackInstance> workers =
        stack.instances().stream()
            .filter(
                i -> i.service() != StackService.DEV_BROKER && i.service() != StackService.GATEWAY)
            .toList();
    long end = t0 + duration.toMillis();
    while (System.currentTimeMillis() < end) {
      sleep(chaos ? 20_000 : 5_000);
      if (finished(client, ids) == jobs) {
        break;
      }
      if (!chaos) {
        continue;
      }
      if (!gatewayKilled && System.currentTimeMillis() > t0 + duration.toMillis() / 2) {
        System.err.println("soak: SIGKILL gateway");
        stack.stop(gateway, true);
        sleep(3000);
        stack.start(gateway, System.err);
        gatewayKilled = true;
      } else {
        StackInstance victim = workers.get(random.nextInt(workers.size()));
        System.err.println("soak: SIGKILL " + victim.id());
        stack.stop(victim, true);
        sleep(3000);
        stack.start(victim, System.err);
        kills++;
      }
    }
    long grace = System.currentTimeMillis() + Duration.ofMinutes(3).toMillis();
    while (finished(client, ids) < jobs && System.currentTimeMillis() < grace) {
      sleep(2000);
    }
    long wall = System.currentTimeMillis() - t0;
    stop.set(true);
    pool.shutdownNow();
    report(
        client, ports, ids, jobs, replicas, chaos, kills, gatewayKilled, wall, peakGateway.get());
  }

  private static int finished(MeshClient client, List<String> ids) {
    try {
      Map<String, JobStatus> byClient = byClientId(client);
      return (int)
          ids.stream()
              .map(byClient::get)
              .filter(s -> s != null && JobMachine.isTerminal(s.getState()))
              .count();
    } catch (RuntimeException gatewayRestarting) {
      return -1;
    }
  }

  private static Map<String, JobStatus> byClientId(MeshClient client) {
    Map<String, JobStatus> out = new HashMap<>();
    for (JobStatus s : client.list()) {
      out.put(s.getSpec().getClientJobId(), s);
    }
    return out;
  }

  private static void report(
      MeshClient client,
      StackPorts ports,
      List<String> ids,
      int jobs,
      int replicas,
      boolean chaos,
      int kills,
      boolean gatewayKilled,
      long wallMs,
      long peakGateway) {
    Map<String, JobStatus> byClient = byClientId(client);
    Map<String, Integer> succeededRecords = succeededRecords(ports);
    int succeeded = 0;
    int failed = 0;
    int lost = 0;
    int duplicated = 0;
    List<Long> latencies = new ArrayList<>();
    for (String id : ids) {
      JobStatus s = byClient.get(id);
      if (s == null || !JobMachine.isTerminal(s.getState())) {
        lost++;
        continue;
      }
      if (s.getState() == JobState.JOB_STATE_SUCCEEDED) {
        succeeded++;
        latencies.add(s.getUpdatedMs() - s.getCreatedMs());
        if (succeededRecords.getOrDefault(s.getJobId(), 0) != 1 || s.getExportsCount() != 1) {
          duplicated++;
        }
      } else {
        failed++;
        System.err.printf("soak: %s %s: %s%n", id, s.getState(), s.getReason());
      }
    }
    latencies.sort(Comparator.naturalOrder());
    System.out.println(
        "| trainers | chaos | submitted | succeeded | failed | lost | duplicated | p50 s | p95 s | jobs/min | gateway peak RSS MB | workers killed | wall s |");
    System.out.printf(
        "| %d | %s | %d | %d | %d | %d | %d | %.1f | %.1f | %.1f | %d | %d%s | %.0f |%n",
        replicas,
        chaos ? "yes" : "no",
        jobs,
        succeeded,
        failed,
        lost,
        duplicated,
        percentile(latencies, 0.5) / 1000.0,
        percentile(latencies, 0.95) / 1000.0,
        succeeded / (wallMs / 60000.0),
        peakGateway >> 20,
        kills,
        gatewayKilled ? " + gateway" : "",
        wallMs / 1000.0);
  }

  /** Per job id, how many state records said SUCCEEDED: a job ends once. */
  private static Map<String, Integer> succeededRecords(StackPorts ports) {
    Properties p = new Properties();
    p.putAll(KAFKA);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ports.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "plora-operator-soak-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    Map<String, Integer> out = new HashMap<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of("plora.jobs.state"));
      long deadline = System.currentTimeMillis() + 15_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          if (r.value() != null
              && ProtoJson.parseLenient(r.value(), JobStatus.newBuilder()).getState()
                  == JobState.JOB_STATE_SUCCEEDED) {
            out.merge(r.key(), 1, Integer::sum);
          }
        }
      }
    }
    return out;
  }

  private static long percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  private static KafkaProducer<String, String> producer(StackPorts ports) {
    Properties p = new Properties();
    p.putAll(KAFKA);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ports.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.plora.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plora.jobs.JobMachine;
import dev.plora.jobs.ProtoJson;
import dev.plora.jobs.TinyJob;
import dev.plora.proto.v1.JobEvent;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.TrainingSpec;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real embedded stack for a test class: the dev broker and the five services as processes (the
 * jars this build produced) under {@code target/<name>}, {@code file:} URIs disabled as on a shared
 * deployment, a tiny generated model and data uploaded through the ArtifactService, and the helpers
 * the stack tests share.
 */
final class StackFixture implements AutoCloseable {
  final LocalStack stack;
  final MeshClient client;
  final Path home;
  final StackPorts ports;

  private StackFixture(LocalStack stack, MeshClient client, Path home, StackPorts ports) {
    this.stack = stack;
    this.client = client;
    this.home = home;
    this.ports = ports;
  }

  static Path root() {
    return Path.of(System.getProperty("plora.root", "../..")).toAbsolutePath().normalize();
  }

  /** Starts a fresh stack named {@code name} with {@code env} for every service. */
  static StackFixture start(String name, StackPorts ports, Map<String, String> env)
      throws Exception {
    return start(name, ports, env, Map.of());
  }

  /** As above, with {@code replicas} of some worker services. */
  static StackFixture start(
      String name, StackPorts ports, Map<String, String> env, Map<StackService, Integer> replicas)
      throws Exception {
    Path home = root().resolve("services/stack-tests/target/" + name);
    if (Files.exists(home)) {
      try (var files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    LocalStack stack = new LocalStack(root(), home, ports, false).withEnvironment(env);
    replicas.forEach(stack::withReplicas);
    stack.down(); // leftovers of an interrupted run
    stack.up(System.out);
    MeshClient client = stack.client();
    Path tiny = TinyJob.write(home.resolve("local/tiny"), 32);
    for (String f : List.of("model.onnx", "tokenizer.json", "train.jsonl", "eval.jsonl")) {
      assertThat(client.upload(tiny.resolve(f), "uploads/tiny/" + f).getBytes())
          .isEqualTo(Files.size(tiny.resolve(f)));
    }
    return new StackFixture(stack, client, home, ports);
  }

  /**
   * A job on the uploaded tiny model and data: rank 4, max length 16, a checkpoint every 5 steps.
   */
  static JobSpec.Builder tiny(String strategy, int epochs, int batch) {
    return TinyJob.spec("uploads/tiny", strategy)
        .setTraining(
            TrainingSpec.newBuilder()
                .setEpochs(epochs)
                .setBatchSize(batch)
                .setMaxLength(16)
                .setCheckpointEvery(5));
  }

  /** A record for plora.jobs.submit with the bearer token in its authorization header. */
  static org.apache.kafka.clients.producer.ProducerRecord<String, String> submission(
      String key, String json, String token) {
    var r = new org.apache.kafka.clients.producer.ProducerRecord<>("plora.jobs.submit", key, json);
    if (token != null) {
      r.headers()
          .add(
              "authorization",
              ("Bearer " + token).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    return r;
  }

  /** A raw TLS channel to the gateway sending {@code token} (null: none) on every call. */
  io.grpc.ManagedChannel channel(String token) {
    try {
      var b =
          io.grpc.Grpc.newChannelBuilder(
              stack.grpcTarget(),
              io.grpc.TlsChannelCredentials.newBuilder()
                  .trustManager(stack.security().caPem().toFile())
                  .build());
      if (token != null) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(
            io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
            "Bearer " + token);
        b.intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
      }
      return b.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String adminToken() {
    return dev.plora.stack.security.StackSecurity.readToken(stack.security().adminToken());
  }

  /** Watches a job to its end, collecting every event. */
  List<JobEvent> watch(String jobId) {
    List<JobEvent> events = new ArrayList<>();
    client.watch(jobId).forEachRemaining(events::add);
    return events;
  }

  /** Polls until {@code condition} holds, or fails naming {@code what} and the last status. */
  static JobStatus await(
      Predicate<JobStatus> condition, String what, Duration timeout, Supplier<JobStatus> poll)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JobStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = poll.get();
        if (last != null && condition.test(last)) {
          return last;
        }
      } catch (StatusRuntimeException e) {
        // not there yet (or the gateway is restarting)
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "timed out waiting for "
            + what
            + "; last status: "
            + (last == null ? "none" : ProtoJson.print(last)));
  }

  /** Waits for the job to end (succeeded, failed or cancelled). */
  JobStatus awaitEnd(String jobId, Duration timeout) throws InterruptedException {
    return await(
        s -> JobMachine.isTerminal(s.getState()),
        "job " + jobId + " to end",
        timeout,
        () -> client.get(jobId));
  }

  JobStatus byClientId(String clientJobId) {
    return client.list().stream()
        .filter(j -> j.getSpec().getClientJobId().equals(clientJobId))
        .findFirst()
        .orElse(null);
  }

  /** The operator's Kafka client settings {@code plora up} wrote (SASL_SSL, SCRAM). */
  Properties operator() {
    Properties p = new Properties();
    try (var in = Files.newInputStream(stack.security().clientProperties())) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** The Kafka client settings of a service's principal (what the stack gives that service). */
  Properties principal(String name) {
    Properties p = operator();
    p.put("sasl.jaas.config", stack.security().kafka().jaas(name));
    return p;
  }

  /**
   * An admin client as the broker itself (its certificate on the internal mTLS listener, the
   * broker's super user): what provisions users, so a test can take a service's credentials away
   * and give them back.
   */
  org.apache.kafka.clients.admin.Admin brokerAdmin() {
    try {
      Properties p = new Properties();
      p.put("bootstrap.servers", "127.0.0.1:" + ports.internal());
      p.put("security.protocol", "SSL");
      p.put("ssl.keystore.type", "PKCS12");
      p.put("ssl.keystore.location", stack.security().brokerKeystore().toString());
      String password = Files.readString(stack.security().brokerKeystorePassword()).trim();
      p.put("ssl.keystore.password", password);
      p.put("ssl.key.password", password);
      p.put("ssl.truststore.type", "PEM");
      p.put("ssl.truststore.location", stack.security().caPem().toString());
      return org.apache.kafka.clients.admin.Admin.create(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A producer with the operator's credentials. */
  KafkaProducer<String, String> producer() {
    return producer(operator());
  }

  KafkaProducer<String, String> producer(Properties connection) {
    Properties p = new Properties();
    p.putAll(connection);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /**
   * Every record of {@code topic} so far, read from the beginning until {@code done} holds or time
   * runs out.
   */
  List<ConsumerRecord<String, String>> records(
      String topic, Duration timeout, Predicate<List<ConsumerRecord<String, String>>> done) {
    Properties p = operator();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "plora-operator-stack-test-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !done.test(out)) {
        c.poll(Duration.ofMillis(500)).forEach(out::add);
      }
    }
    return out;
  }

  /** A service's whole log. */
  String log(StackService s) {
    return log(StackInstance.first(s));
  }

  /** One process's whole log. */
  String log(StackInstance i) {
    try {
      return Files.readString(stack.logs().resolve(i.id() + ".log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    stack.down();
  }
}

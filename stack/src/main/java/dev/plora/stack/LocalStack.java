package dev.plora.stack;

import dev.plora.stack.security.StackSecurity;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded stack as local processes: the dev broker (real Kafka) and the five services, each
 * logging to {@code HOME/logs/NAME.log}, tracked by pid files in {@code HOME/stack/}, the artifact
 * store in {@code HOME/store}. Processes outlive the command that started them; {@link #down()}
 * stops them.
 *
 * <p>Secure by default ({@link StackSecurity}, made at the first start): the gateway serves gRPC
 * over TLS and verifies a bearer token on every call, the broker takes only SASL_SSL clients with
 * one SCRAM principal per service and per-service ACLs, and jobs may not name host files ({@code
 * file:} URIs off unless asked for): inputs are uploaded. {@link #client()} connects with the
 * stack's CA and admin token.
 */
public final class LocalStack {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

  private final Path repoRoot;
  private final Path home;
  private final StackPorts ports;
  private final boolean allowFileUris;
  private final StackSecurity security;
  private boolean secured;
  private final Map<String, String> extraEnvironment = new java.util.HashMap<>();
  private final Map<StackService, Map<String, String>> serviceEnvironment =
      new java.util.EnumMap<>(StackService.class);
  private final Map<StackService, Integer> replicas = new java.util.EnumMap<>(StackService.class);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One process's state, for {@code plora status}. */
  public record ServiceState(
      StackInstance instance, long pid, boolean alive, String health, int httpPort) {
    public StackService service() {
      return instance.service();
    }
  }

  public LocalStack(Path repoRoot, Path home, StackPorts ports) {
    this(repoRoot, home, ports, false);
  }

  /**
   * @param allowFileUris whether jobs may name host files ({@code file:}): any user who can submit
   *     could make the workers read any file this user can; off (the default), inputs are uploaded
   */
  public LocalStack(Path repoRoot, Path home, StackPorts ports, boolean allowFileUris) {
    this.repoRoot = repoRoot.toAbsolutePath().normalize();
    this.home = home.toAbsolutePath().normalize();
    this.ports = ports;
    this.allowFileUris = allowFileUris;
    this.security = new StackSecurity(this.home);
  }

  /** The stack's CA, keys, tokens and Kafka credentials (under {@code HOME/tls, auth, kafka}). */
  public StackSecurity security() {
    return security;
  }

  /** A client of this stack's gateway with its CA and admin token. */
  public MeshClient client() {
    return client(StackSecurity.readToken(security.adminToken()));
  }

  /** A client of this stack's gateway with its CA and the given token. */
  public MeshClient client(String token) {
    return new MeshClient(grpcTarget(), MeshClient.Credentials.tls(security.caPem(), token));
  }

  /** Makes the security material that is missing (once per LocalStack), saying what it made. */
  private synchronized void secure(PrintStream log) {
    if (secured) {
      return;
    }
    for (String made : security.ensure(ports.bootstrap())) {
      log.println("security: made " + made);
    }
    secured = true;
  }

  /**
   * Makes the stack's home without starting anything: the security material ({@link
   * StackSecurity#ensure}) and the store and broker folders, which docker-compose.yml mounts.
   */
  public void init(PrintStream log) {
    secure(log);
    try {
      Files.createDirectories(store());
      Files.createDirectories(home.resolve("kafka"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + home + ": " + e.getMessage(), e);
    }
  }

  public StackPorts ports() {
    return ports;
  }

  public Path store() {
    return home.resolve("store");
  }

  public Path logs() {
    return home.resolve("logs");
  }

  public String grpcTarget() {
    return "127.0.0.1:" + ports.grpc();
  }

  public boolean isUp() {
    return instances().stream().allMatch(this::isRunning);
  }

  /**
   * Runs {@code count} replicas of a worker service (the broker and the gateway run one each: the
   * gateway is the single writer of job state).
   */
  public LocalStack withReplicas(StackService s, int count) {
    if (count < 1 || count > 9) {
      throw new IllegalArgumentException(s.id() + ": replicas must be in [1, 9], got " + count);
    }
    if (count > 1 && (s == StackService.DEV_BROKER || s == StackService.GATEWAY)) {
      throw new IllegalArgumentException(
          s.id()
              + " runs once (the gateway is the single writer of job state); only workers have replicas");
    }
    replicas.put(s, count);
    return this;
  }

  /** Every process the stack runs, in start order. */
  public List<StackInstance> instances() {
    List<StackInstance> out = new ArrayList<>();
    for (StackService s : StackService.ORDER) {
      for (int r = 1; r <= replicas.getOrDefault(s, 1); r++) {
        out.add(new StackInstance(s, r));
      }
    }
    return out;
  }

  /** Starts whatever is not running, in order, each one ready before the next starts. */
  public void up(PrintStream log) {
    for (StackInstance i : instances()) {
      start(i, log);
    }
  }

  public void start(StackService s, PrintStream log) {
    start(StackInstance.first(s), log);
  }

  public void start(StackInstance i, PrintStream log) {
    secure(log);
    StackService s = i.service();
    Optional<Long> running = pid(i).filter(this::alive);
    if (running.isPresent()) {
      log.printf("%-15s already running (pid %d)%n", i.id(), running.get());
      return;
    }
    Path jar = s.jar(repoRoot);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is not built; run: mvn -B -DskipTests package (bin/plora up does it)");
    }
    // A port answering before we start means another process holds it (an earlier stack left
    // running?): its answers would pass for ours.
    int port = s == StackService.DEV_BROKER ? ports.kafka() : i.httpPort(ports);
    if (portOpen(port)) {
      throw new IllegalStateException(
          "cannot start "
              + i.id()
              + ": port "
              + port
              + " on 127.0.0.1 is already in use by another process (an earlier stack still running? stop"
              + " it, or choose other ports)");
    }
    try {
      Files.createDirectories(logs());
      Files.createDirectories(home.resolve("stack"));
      Files.createDirectories(store());
      ProcessBuilder pb =
          new ProcessBuilder(command(s, jar))
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(logs().resolve(i.id() + ".log").toFile()));
      environment(i, pb.environment());
      long t0 = System.nanoTime();
      Process p = pb.start();
      Files.writeString(pidFile(i), Long.toString(p.pid()));
      awaitReady(i, p);
      log.printf(
          "%-15s started (pid %d) in %.1f s%s%n",
          i.id(),
          p.pid(),
          (System.nanoTime() - t0) / 1e9,
          i.httpPort(ports) > 0
              ? ", http://127.0.0.1:" + i.httpPort(ports) + "/q/health"
              : ", kafka " + ports.bootstrap());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + i.id() + ": " + e.getMessage(), e);
    }
  }

  /** Stops every process the stack started (any replica count), last started first. */
  public void down() {
    List<StackInstance> running = new ArrayList<>();
    for (StackService s : StackService.ORDER) {
      for (int r = 1; r <= 9; r++) {
        StackInstance i = new StackInstance(s, r);
        if (Files.exists(pidFile(i))) {
          running.add(i);
        }
      }
    }
    java.util.Collections.reverse(running);
    for (StackInstance i : running) {
      stop(i, false);
    }
  }

  /**
   * Stops one service's first replica: SIGTERM (graceful), or SIGKILL with {@code kill} (a crash,
   * for tests).
   */
  public void stop(StackService s, boolean kill) {
    stop(StackInstance.first(s), kill);
  }

  public void stop(StackInstance i, boolean kill) {
    pid(i)
        .flatMap(ProcessHandle::of)
        .ifPresent(
            h -> {
              if (kill) {
                h.destroyForcibly();
              } else {
                h.destroy();
              }
              try {
                h.onExit().get(kill ? 10 : 30, java.util.concurrent.TimeUnit.SECONDS);
              } catch (Exception e) {
                h.destroyForcibly();
              }
            });
    try {
      Files.deleteIfExists(pidFile(i));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the service's (first replica's) process is alive. */
  public boolean isRunning(StackService s) {
    return isRunning(StackInstance.first(s));
  }

  public boolean isRunning(StackInstance i) {
    return pid(i).map(this::alive).orElse(false);
  }

  /** Every configured process, and any further replica that is running. */
  public List<ServiceState> status() {
    List<ServiceState> out = new ArrayList<>();
    for (StackService s : StackService.ORDER) {
      for (int r = 1; r <= 9; r++) {
        StackInstance i = new StackInstance(s, r);
        Optional<Long> pid = pid(i);
        if (r > replicas.getOrDefault(s, 1) && pid.isEmpty()) {
          continue;
        }
        boolean alive = pid.map(this::alive).orElse(false);
        String health =
            !alive
                ? "down"
                : s == StackService.DEV_BROKER
                    ? (brokerReady() ? "UP" : "starting")
                    : health(i.httpPort(ports));
        out.add(new ServiceState(i, pid.orElse(-1L), alive, health, i.httpPort(ports)));
      }
    }
    return out;
  }

  /** Resident memory of a running service (first replica) in bytes (from /proc), or -1. */
  public long residentBytes(StackService s) {
    return residentBytes(StackInstance.first(s));
  }

  /** Resident memory of a running process in bytes (from /proc), or -1. */
  public long residentBytes(StackInstance i) {
    return pid(i)
        .filter(this::alive)
        .map(
            pid -> {
              try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                  if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                  }
                }
              } catch (IOException | NumberFormatException e) {
                return -1L;
              }
              return -1L;
            })
        .orElse(-1L);
  }

  private List<String> command(StackService s, Path jar) {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // own session: a Ctrl-C in the user's terminal does not reach the
      // stack
    }
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add(s == StackService.DEV_BROKER || s == StackService.GATEWAY ? "-Xmx512m" : "-Xmx2g");
    cmd.add("-Dai.djl.offline=true");
    if (s != StackService.DEV_BROKER && s != StackService.GATEWAY) {
      cmd.add("-Dai.djl.pytorch.num_threads=" + torchThreads());
      cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
    }
    cmd.add("-jar");
    cmd.add(jar.toString());
    if (s == StackService.DEV_BROKER) {
      cmd.addAll(
          List.of(
              "--port",
              Integer.toString(ports.kafka()),
              "--controller-port",
              Integer.toString(ports.controller()),
              "--internal-port",
              Integer.toString(ports.internal()),
              "--dir",
              home.resolve("kafka").toString(),
              "--keystore",
              security.brokerKeystore().toString(),
              "--keystore-password-file",
              security.brokerKeystorePassword().toString(),
              "--ca",
              security.caPem().toString(),
              "--users",
              security.kafka().users().toString()));
    }
    return cmd;
  }

  /**
   * PyTorch intra-op threads per worker: {@code PLORA_TORCH_THREADS}, else half the cores. Four
   * workers share one machine here; with more threads than cores, PyTorch's OpenMP threads wait on
   * each other (measured on 2 cores next to another busy process: a MiniLM trainer with 2 threads
   * trained at 2 examples/s, with 1 thread at 9).
   */
  static int torchThreads() {
    String env = System.getenv("PLORA_TORCH_THREADS");
    if (env != null && !env.isBlank()) {
      return Integer.parseInt(env.trim());
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  private void environment(StackInstance i, Map<String, String> env) {
    StackService s = i.service();
    env.put("PLORA_KAFKA", ports.bootstrap());
    env.put("PLORA_STORE", store().toString());
    env.put("PLORA_ALLOW_FILE_URIS", Boolean.toString(allowFileUris));
    if (s != StackService.DEV_BROKER) {
      // Kafka: this service's own SCRAM principal over TLS (replicas share their service's).
      env.put("PLORA_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
      env.put("PLORA_KAFKA_JAAS", security.kafka().jaas(s.id()));
      env.put("PLORA_KAFKA_CA", security.caPem().toString());
    }
    env.putIfAbsent("DJL_CACHE_DIR", repoRoot.resolve(".cache/djl").toString());
    env.putIfAbsent("PLORA_HOME", repoRoot.resolve(".cache/plora").toString());
    if (i.httpPort(ports) > 0) {
      env.put("PLORA_HTTP_PORT", Integer.toString(i.httpPort(ports)));
    }
    if (s == StackService.GATEWAY) {
      env.put("PLORA_GRPC_PORT", Integer.toString(ports.grpc()));
      env.put("PLORA_GRPC_HOST", "127.0.0.1");
      env.put("PLORA_GRPC_TLS_CERT", security.gatewayCert().toString());
      env.put("PLORA_GRPC_TLS_KEY", security.gatewayKey().toString());
      env.put("PLORA_JWT_PUBLIC_KEY", security.jwtPublicKey().toString());
    } else if (s != StackService.DEV_BROKER) {
      env.put("PLORA_WORKER_NAME", i.workerName());
    }
    env.putAll(extraEnvironment);
    env.putAll(serviceEnvironment.getOrDefault(s, Map.of()));
  }

  /**
   * Environment for every service started from now on (e.g. supervision timeouts); later calls add
   * to it.
   */
  public LocalStack withEnvironment(Map<String, String> env) {
    extraEnvironment.putAll(env);
    return this;
  }

  /**
   * Stops a service and starts it again with {@code env} on top of the stack's environment (an
   * empty map: as configured), waiting until it is ready. Used to switch a service's settings.
   */
  public void restart(StackService s, Map<String, String> env, PrintStream log) {
    stop(s, false);
    serviceEnvironment.put(s, Map.copyOf(env));
    start(s, log);
  }

  private void awaitReady(StackInstance i, Process p) {
    StackService s = i.service();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            i.id()
                + " exited with code "
                + p.exitValue()
                + " while starting; see "
                + logs().resolve(i.id() + ".log")
                + ":\n"
                + tail(i, 15));
      }
      boolean ready =
          s == StackService.DEV_BROKER ? brokerReady() : "UP".equals(health(i.httpPort(ports)));
      if (ready) {
        return;
      }
      sleep(300);
    }
    throw new IllegalStateException(
        i.id()
            + " was not ready after "
            + READY_TIMEOUT.toSeconds()
            + " s; see "
            + logs().resolve(i.id() + ".log")
            + ":\n"
            + tail(i, 15));
  }

  /** The last lines of a service's (first replica's) log. */
  public String tail(StackService s, int lines) {
    return tail(StackInstance.first(s), lines);
  }

  public String tail(StackInstance i, int lines) {
    try {
      List<String> all = Files.readAllLines(logs().resolve(i.id() + ".log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private String health(int port) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? "UP" : "DOWN (" + r.statusCode() + ")";
    } catch (IOException e) {
      return "starting";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** Listening, and its users and ACLs provisioned (the broker writes {@code ready} then). */
  private boolean brokerReady() {
    return portOpen(ports.kafka()) && Files.exists(home.resolve("kafka/ready"));
  }

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Path pidFile(StackInstance i) {
    return home.resolve("stack").resolve(i.id() + ".pid");
  }

  private Optional<Long> pid(StackInstance i) {
    try {
      Path f = pidFile(i);
      return Files.isRegularFile(f)
          ? Optional.of(Long.parseLong(Files.readString(f).trim()))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

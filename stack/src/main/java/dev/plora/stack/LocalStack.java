package dev.plora.stack;

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
 * store in {@code HOME/store} ({@code file:} URIs enabled by default, as this stack runs on the
 * user's machine). Processes outlive the command that started them; {@link #down()} stops them.
 */
public final class LocalStack {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

  private final Path repoRoot;
  private final Path home;
  private final StackPorts ports;
  private final boolean allowFileUris;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One service's state, for {@code plora status}. */
  public record ServiceState(
      StackService service, long pid, boolean alive, String health, int httpPort) {}

  public LocalStack(Path repoRoot, Path home, StackPorts ports) {
    this(repoRoot, home, ports, true);
  }

  /**
   * @param allowFileUris whether jobs may name host files ({@code file:}); off, inputs must be
   *     uploaded
   */
  public LocalStack(Path repoRoot, Path home, StackPorts ports, boolean allowFileUris) {
    this.repoRoot = repoRoot.toAbsolutePath().normalize();
    this.home = home.toAbsolutePath().normalize();
    this.ports = ports;
    this.allowFileUris = allowFileUris;
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
    return StackService.ORDER.stream().allMatch(s -> pid(s).map(this::alive).orElse(false));
  }

  /** Starts whatever is not running, in order, each one ready before the next starts. */
  public void up(PrintStream log) {
    for (StackService s : StackService.ORDER) {
      start(s, log);
    }
  }

  public void start(StackService s, PrintStream log) {
    Optional<Long> running = pid(s).filter(this::alive);
    if (running.isPresent()) {
      log.printf("%-15s already running (pid %d)%n", s.id(), running.get());
      return;
    }
    Path jar = s.jar(repoRoot);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is not built; run: mvn -B -DskipTests package (bin/plora up does it)");
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
                  ProcessBuilder.Redirect.appendTo(logs().resolve(s.id() + ".log").toFile()));
      environment(s, pb.environment());
      long t0 = System.nanoTime();
      Process p = pb.start();
      Files.writeString(pidFile(s), Long.toString(p.pid()));
      awaitReady(s, p);
      log.printf(
          "%-15s started (pid %d) in %.1f s%s%n",
          s.id(),
          p.pid(),
          (System.nanoTime() - t0) / 1e9,
          s.httpPort(ports) > 0
              ? ", http://127.0.0.1:" + s.httpPort(ports) + "/q/health"
              : ", kafka " + ports.bootstrap());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + s.id() + ": " + e.getMessage(), e);
    }
  }

  /** Stops every service, last started first. */
  public void down() {
    List<StackService> reverse = new ArrayList<>(StackService.ORDER);
    java.util.Collections.reverse(reverse);
    for (StackService s : reverse) {
      stop(s, false);
    }
  }

  /** Stops one service: SIGTERM (graceful), or SIGKILL with {@code kill} (a crash, for tests). */
  public void stop(StackService s, boolean kill) {
    pid(s)
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
      Files.deleteIfExists(pidFile(s));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<ServiceState> status() {
    List<ServiceState> out = new ArrayList<>();
    for (StackService s : StackService.ORDER) {
      Optional<Long> pid = pid(s);
      boolean alive = pid.map(this::alive).orElse(false);
      String health =
          !alive
              ? "down"
              : s == StackService.DEV_BROKER
                  ? (portOpen(ports.kafka()) ? "UP" : "starting")
                  : health(s.httpPort(ports));
      out.add(new ServiceState(s, pid.orElse(-1L), alive, health, s.httpPort(ports)));
    }
    return out;
  }

  /** Resident memory of a running service in bytes (from /proc), or -1. */
  public long residentBytes(StackService s) {
    return pid(s)
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
              "--dir",
              home.resolve("kafka").toString()));
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

  private void environment(StackService s, Map<String, String> env) {
    env.put("PLORA_KAFKA", ports.bootstrap());
    env.put("PLORA_STORE", store().toString());
    env.put("PLORA_ALLOW_FILE_URIS", Boolean.toString(allowFileUris));
    env.putIfAbsent("DJL_CACHE_DIR", repoRoot.resolve(".cache/djl").toString());
    env.putIfAbsent("PLORA_HOME", repoRoot.resolve(".cache/plora").toString());
    // PyTorch frees every tensor; keep freed memory in the heap instead of returning it to the OS
    // (see bin/plora).
    env.putIfAbsent(
        "GLIBC_TUNABLES",
        "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296");
    if (s.httpPort(ports) > 0) {
      env.put("PLORA_HTTP_PORT", Integer.toString(s.httpPort(ports)));
    }
    if (s == StackService.GATEWAY) {
      env.put("PLORA_GRPC_PORT", Integer.toString(ports.grpc()));
      env.put("PLORA_GRPC_HOST", "127.0.0.1");
    } else if (s != StackService.DEV_BROKER) {
      env.put("PLORA_WORKER_NAME", s.id() + "-1");
    }
  }

  private void awaitReady(StackService s, Process p) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            s.id()
                + " exited with code "
                + p.exitValue()
                + " while starting; see "
                + logs().resolve(s.id() + ".log")
                + ":\n"
                + tail(s, 15));
      }
      boolean ready =
          s == StackService.DEV_BROKER
              ? portOpen(ports.kafka())
              : "UP".equals(health(s.httpPort(ports)));
      if (ready) {
        return;
      }
      sleep(300);
    }
    throw new IllegalStateException(
        s.id()
            + " was not ready after "
            + READY_TIMEOUT.toSeconds()
            + " s; see "
            + logs().resolve(s.id() + ".log")
            + ":\n"
            + tail(s, 15));
  }

  /** The last lines of a service's log. */
  public String tail(StackService s, int lines) {
    try {
      List<String> all = Files.readAllLines(logs().resolve(s.id() + ".log"));
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

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Path pidFile(StackService s) {
    return home.resolve("stack").resolve(s.id() + ".pid");
  }

  private Optional<Long> pid(StackService s) {
    try {
      Path f = pidFile(s);
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

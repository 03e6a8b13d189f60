package dev.keyrelay.operator.apiserver;

import dev.keyrelay.sidecar.testing.Prerequisites;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/** The packaged operator jar run as a process, as one replica of the chart's Deployment. */
public final class OperatorProcess implements AutoCloseable {

  public static final Path JAR =
      KubeApiServer.HACK.resolveSibling("operator/target/keyrelay-operator.jar");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * The JVM of Dockerfile.operator inside the chart's 512 MiB memory limit: serial GC and a heap of
   * 75 % of the limit.
   */
  public static final List<String> IMAGE_JVM_OPTIONS =
      List.of("-XX:+UseSerialGC", "-Xmx384m", "-XX:+ExitOnOutOfMemoryError");

  private final String name;
  private final Process process;
  private final Path log;
  private final int adminPort;

  private OperatorProcess(String name, Process process, Path log, int adminPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.adminPort = adminPort;
  }

  /**
   * Starts replica {@code name} with {@code env} on top of an environment without the test's own
   * Kubernetes settings; the admin port is a free one, the webhook port is left to the caller.
   */
  public static OperatorProcess start(String name, Map<String, String> env, Path logDir)
      throws IOException {
    return start(name, env, logDir, List.of());
  }

  /** The same with JVM options, such as the image's ({@link #IMAGE_JVM_OPTIONS}). */
  public static OperatorProcess start(
      String name, Map<String, String> env, Path logDir, List<String> jvmOptions)
      throws IOException {
    Prerequisites.require(Files.exists(JAR), JAR + " (mvn package)");
    int adminPort = SidecarProcess.freePort();
    Path log = logDir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(JAR.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("KUBERNETES_") || k.equals("KUBECONFIG"));
    builder.environment().putAll(env);
    builder.environment().put("KEYRELAY_ADMIN_PORT", String.valueOf(adminPort));
    builder.environment().put("POD_NAME", name);
    return new OperatorProcess(name, builder.start(), log, adminPort);
  }

  public String name() {
    return name;
  }

  public int adminPort() {
    return adminPort;
  }

  /** The Prometheus text of the replica's admin port. */
  public String metrics() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /** Whether {@code GET /readyz} on the admin port answers 200, as a readiness probe asks. */
  public boolean isReady() throws InterruptedException {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The value of one sample line of {@link #metrics()}, such as {@code name{tag="x"}}; 0 if absent.
   */
  public double metric(String sample) throws IOException, InterruptedException {
    return metrics()
        .lines()
        .filter(l -> l.startsWith(sample + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1).trim()))
        .findFirst()
        .orElse(0);
  }

  /**
   * The heap in use right after a full collection ({@code jcmd GC.run}): what the replica's caches
   * really hold, where the resident size mostly shows how far the collector let the heap grow.
   */
  public long liveHeapBytes() throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(process.pid()),
                "GC.run")
            .redirectErrorStream(true)
            .start();
    jcmd.getInputStream().readAllBytes();
    jcmd.waitFor(30, TimeUnit.SECONDS);
    return (long)
        metrics()
            .lines()
            .filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .sum();
  }

  /** The process's peak resident set size so far (VmHWM), in bytes. */
  public long peakRssBytes() throws IOException {
    return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
        .filter(l -> l.startsWith("VmHWM:"))
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
        .findFirst()
        .orElseThrow();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String output() throws IOException {
    return Files.readString(log);
  }

  /** The exit status once the process ends by itself within {@code seconds}, else -1. */
  public int awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  /** SIGKILL: the replica dies without releasing anything, as when its node is lost. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  /** SIGTERM; true when the process exited within 20 seconds. */
  public boolean stop() throws InterruptedException {
    process.destroy();
    return process.waitFor(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (!stop()) {
      kill();
    }
  }
}

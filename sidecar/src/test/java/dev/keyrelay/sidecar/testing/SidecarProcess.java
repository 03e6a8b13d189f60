package dev.keyrelay.sidecar.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged sidecar jar, run as its own process exactly as a user runs it, with its stdout and
 * stderr captured to a file for assertions.
 */
public final class SidecarProcess implements AutoCloseable {

  public static final Path JAR = Path.of("target", "keyrelay-sidecar.jar");

  private final Process process;
  private final Path log;
  private final int proxyPort;
  private final int adminPort;

  private SidecarProcess(Process process, Path log, int proxyPort, int adminPort) {
    this.process = process;
    this.log = log;
    this.proxyPort = proxyPort;
    this.adminPort = adminPort;
  }

  /** Starts the jar and waits until /readyz answers 200. */
  public static SidecarProcess start(
      Path config, int proxyPort, int adminPort, Map<String, String> env, String... jvmArgs)
      throws Exception {
    return start(config, proxyPort, adminPort, env, List.of(jvmArgs), List.of());
  }

  /**
   * Starts the jar with {@code options} after {@code --config FILE} and waits until /readyz answers
   * 200.
   */
  public static SidecarProcess start(
      Path config,
      int proxyPort,
      int adminPort,
      Map<String, String> env,
      List<String> jvmArgs,
      List<String> options)
      throws Exception {
    Path log = config.resolveSibling("sidecar.log");
    Process process = launch(jvmArgs, withConfig(config, options), env, log);
    SidecarProcess sidecar = new SidecarProcess(process, log, proxyPort, adminPort);
    sidecar.awaitReady();
    return sidecar;
  }

  /**
   * Starts {@code jar} with {@code options} after {@code --config FILE}, behind {@code wrapper}
   * (for example {@code ip netns exec NS setpriv ...}), so the admin port may be out of this
   * process's reach: {@code ready} says when it is ready.
   */
  public static SidecarProcess startWrapped(
      List<String> wrapper, Path jar, Path config, List<String> options, Callable<Boolean> ready)
      throws Exception {
    Path log = config.resolveSibling("sidecar.log");
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(javaCommand(List.of(), jar, withConfig(config, options)));
    Process process = spawn(command, Map.of(), log);
    SidecarProcess sidecar = new SidecarProcess(process, log, -1, -1);
    sidecar.awaitReady(ready);
    return sidecar;
  }

  /**
   * Starts {@code jar} with exactly {@code args} and {@code env}, as a pod's container would run
   * it, writing its output to {@code log}; waits until {@code probePath} on the admin port answers
   * 200.
   */
  public static SidecarProcess startAsContainer(
      Path jar,
      List<String> args,
      Map<String, String> env,
      Path log,
      int adminPort,
      String probePath)
      throws Exception {
    Process process = spawn(javaCommand(List.of(), jar, args), env, log);
    SidecarProcess sidecar = new SidecarProcess(process, log, -1, adminPort);
    sidecar.awaitReady(probePath);
    return sidecar;
  }

  /** Runs the jar to completion (for invalid-config cases); returns exit code and output. */
  public static Result run(Path config, Duration timeout) throws Exception {
    return run(config.resolveSibling("run.log"), timeout, List.of(), withConfig(config, List.of()));
  }

  /** Runs the jar with exactly {@code args} to completion; {@code out} gets its output. */
  public static Result run(Path out, Duration timeout, List<String> jvmArgs, List<String> args)
      throws Exception {
    Process process = launch(jvmArgs, args, Map.of(), out);
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("sidecar did not exit within " + timeout);
    }
    return new Result(process.exitValue(), Files.readString(out));
  }

  /** Exit code and combined output of a finished run. */
  public record Result(int exitCode, String output) {}

  private static List<String> withConfig(Path config, List<String> options) {
    List<String> args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(options);
    return args;
  }

  private static Process launch(
      List<String> jvmArgs, List<String> args, Map<String, String> env, Path out)
      throws IOException {
    return spawn(javaCommand(jvmArgs, JAR, args), env, out);
  }

  /** This JVM's java running {@code jar}; fails at once when the jar has not been built. */
  public static List<String> javaCommand(List<String> jvmArgs, Path jar, List<String> args) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run mvn package first");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    return command;
  }

  private static Process spawn(List<String> command, Map<String, String> env, Path out)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(out.toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void awaitReady() throws Exception {
    awaitReady("/readyz");
  }

  private void awaitReady(String probePath) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    awaitReady(
        () -> {
          try {
            return client
                    .send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + adminPort + probePath))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode()
                == 200;
          } catch (IOException notYet) {
            return false; // still starting
          }
        });
  }

  private void awaitReady(Callable<Boolean> ready) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("sidecar exited with " + process.exitValue() + ":\n" + logs());
      }
      if (ready.call()) {
        return;
      }
      Thread.sleep(50);
    }
    // The caller gets no handle to close: a sidecar left running would outlive the test run.
    process.destroyForcibly().waitFor();
    throw new AssertionError("sidecar not ready after 30 s:\n" + logs());
  }

  /**
   * A JDK client (HTTP/1.1) that goes through this sidecar's proxy port and trusts only the CA
   * certificate at {@code caCert}.
   */
  public HttpClient client(Path caCert) throws Exception {
    return HttpClient.newBuilder()
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)))
        .sslContext(TestPki.trusting(TestPki.readCertificate(caCert)))
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  public int proxyPort() {
    return proxyPort;
  }

  public int adminPort() {
    return adminPort;
  }

  public String proxyUrl() {
    return "http://127.0.0.1:" + proxyPort;
  }

  /**
   * Everything the process printed so far. Log lines reach the file some tens of milliseconds after
   * they are logged (the sidecar batches its writes): to see a line a request just caused, use
   * {@link #logsOnceThey}.
   */
  public String logs() throws IOException {
    return Files.readString(log);
  }

  /** The log as soon as {@code condition} holds for it, or as it is after 10 s. */
  public String logsOnceThey(Predicate<String> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String logs = logs();
    while (!condition.test(logs) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      logs = logs();
    }
    return logs;
  }

  /**
   * Scrapes /metrics, stops the process (which writes every queued log line) and returns the
   * metrics followed by the whole log: what a leak check must read.
   */
  public String closeAndCollectOutput() throws Exception {
    String metrics = scrapeMetrics();
    close();
    return metrics + logs();
  }

  /** Waits for the process to end on its own and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("sidecar still running after " + timeout);
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String scrapeMetrics() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor();
  }
}

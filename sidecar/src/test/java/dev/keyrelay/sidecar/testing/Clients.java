package dev.keyrelay.sidecar.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs real client programs (curl, Python requests, Node) and collects what they printed. */
public final class Clients {

  /** Exit code, stdout and stderr of one client run. */
  public record Run(int exitCode, String stdout, String stderr) {}

  private Clients() {}

  public static Run run(List<String> command, Map<String, String> env) throws Exception {
    return run(command, env, null);
  }

  public static Run run(List<String> command, Map<String, String> env, Path workingDir)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (workingDir != null) {
      builder.directory(workingDir.toFile());
    }
    Map<String, String> environment = builder.environment();
    // A developer's own proxy settings must not change where the clients go.
    for (String name :
        List.of(
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "http_proxy",
            "https_proxy",
            "NO_PROXY",
            "no_proxy",
            "ALL_PROXY",
            "all_proxy")) {
      environment.remove(name);
    }
    environment.putAll(env);
    Path stderr = Files.createTempFile("client", ".err");
    builder.redirectError(stderr.toFile());
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] stdout = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("client did not finish: " + command);
    }
    String errors = Files.readString(stderr);
    Files.delete(stderr);
    return new Run(process.exitValue(), new String(stdout, StandardCharsets.UTF_8), errors);
  }

  /** curl through the proxy with the given extra arguments. */
  public static Run curl(String proxyUrl, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--proxy", proxyUrl));
    command.addAll(List.of(args));
    return run(command, Map.of());
  }

  /** A Python interpreter that has the requests package. */
  public static String python() throws Exception {
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      try {
        if (run(List.of(candidate, "-c", "import requests"), Map.of()).exitCode() == 0) {
          return candidate;
        }
      } catch (IOException notInstalled) {
        // try the next one
      }
    }
    throw new AssertionError("no python3 with requests: .ci/run installs python3-requests");
  }
}

package dev.keyrelay.sidecar;

import dev.keyrelay.sidecar.config.ConfigException;
import dev.keyrelay.sidecar.config.ConfigLoader;
import dev.keyrelay.sidecar.config.SidecarConfig;
import dev.keyrelay.sidecar.tls.CertificateAuthority;
import dev.keyrelay.sidecar.tls.TlsStartup;
import dev.keyrelay.sidecar.upstream.RootCause;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.LoggerFactory;

/**
 * Command line: {@code java -jar keyrelay-sidecar.jar --config FILE} and the options in {@link
 * SidecarCommandLine#USAGE}. Exit codes: 0 stopped on request, 1 a failed start or a wait that
 * timed out, 2 a bad command line or config.
 */
public final class SidecarMain {

  private SidecarMain() {}

  public static void main(String[] args) throws Exception {
    SidecarCommand command;
    try {
      command = SidecarCommandLine.parse(args);
    } catch (SidecarCommandLine.UsageException e) {
      System.err.println("keyrelay-sidecar: " + e.getMessage() + "\n" + SidecarCommandLine.USAGE);
      System.exit(2);
      return;
    }
    if (command instanceof SidecarCommand.Run run) {
      run(run);
    } else if (command instanceof SidecarCommand.WaitForFile wait) {
      if (!FileWait.await(wait.file(), wait.timeout())) {
        System.err.println(
            "keyrelay-sidecar: "
                + wait.file()
                + " is still missing or empty after "
                + wait.timeout().toSeconds()
                + " s");
        System.exit(1);
      }
    } else {
      System.out.println(SidecarCommandLine.USAGE);
    }
  }

  private static void run(SidecarCommand.Run run) throws Exception {
    // Logging first: a log call from the start-up thread while SLF4J initialises would be queued
    // and replayed with a warning on stderr.
    LoggerFactory.getILoggerFactory();
    CompletableFuture<CertificateAuthority> ca = TlsStartup.begin();
    SidecarConfig config;
    try {
      config = ConfigLoader.load(run.config(), run.overrides());
    } catch (ConfigException e) {
      System.err.println("keyrelay: invalid configuration\n" + e.getMessage());
      System.exit(2);
      return;
    }
    Sidecar sidecar;
    try {
      sidecar = Sidecar.start(config, run.overrides(), ca.join());
    } catch (Exception e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      // Netty's threads are not daemons: without an explicit exit, a failed start would hang.
      System.err.println(
          "keyrelay: cannot start: "
              + (cause.getMessage() == null ? RootCause.message(cause) : cause.getMessage()));
      System.exit(1);
      return;
    }
    // SIGTERM and System.exit both run this; close() is idempotent.
    Runtime.getRuntime().addShutdownHook(new Thread(sidecar::close, "keyrelay-shutdown"));
    if (!run.exitWhenReady()) {
      sidecar.awaitQuitRequest();
    }
    System.exit(0);
  }
}

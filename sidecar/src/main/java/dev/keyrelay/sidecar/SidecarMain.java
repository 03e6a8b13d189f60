package dev.keyrelay.sidecar;

import dev.keyrelay.sidecar.config.ConfigException;
import dev.keyrelay.sidecar.config.ConfigLoader;
import dev.keyrelay.sidecar.config.SidecarConfig;
import dev.keyrelay.sidecar.doctor.Doctor;
import dev.keyrelay.sidecar.logging.Logging;
import dev.keyrelay.sidecar.netinit.NetworkInit;
import dev.keyrelay.sidecar.tls.TlsStartup;
import dev.keyrelay.sidecar.transport.RootCause;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Command line: {@code java -jar keyrelay-sidecar.jar --config FILE} and the options in {@link
 * SidecarCommandLine#USAGE}. Exit codes: 0 stopped on request, 1 a failed start, a wait that timed
 * out or a failed doctor check, 2 a bad command line or config.
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
    } else if (command instanceof SidecarCommand.Doctor doctor) {
      Logging.silence();
      int code = Doctor.run(doctor.config(), doctor.overrides(), System.out);
      Logging.stop();
      System.exit(code);
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
    } else if (command instanceof SidecarCommand.InitNetwork init) {
      System.exit(NetworkInit.run(init.arguments(), System.out, System.err));
    } else {
      System.out.println(SidecarCommandLine.USAGE);
    }
  }

  private static void run(SidecarCommand.Run run) throws Exception {
    CompletableFuture<Void> loggingStarted = new CompletableFuture<>();
    CompletableFuture<TlsStartup.Started> tls = TlsStartup.begin(loggingStarted);
    Logging.start();
    loggingStarted.complete(null);
    // SIGTERM and System.exit both run this: stop the sidecar if it started (close() is
    // idempotent), then write the log lines still queued.
    AtomicReference<Sidecar> started = new AtomicReference<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Sidecar sidecar = started.get();
                  if (sidecar != null) {
                    sidecar.close();
                  }
                  Logging.stop();
                },
                "keyrelay-shutdown"));
    SidecarConfig config;
    try {
      config =
          run.configOptional()
              ? ConfigLoader.loadOrDefaults(run.config(), run.overrides())
              : ConfigLoader.load(run.config(), run.overrides());
    } catch (ConfigException e) {
      System.err.println("keyrelay: invalid configuration\n" + e.getMessage());
      System.exit(2);
      return;
    }
    Sidecar sidecar;
    try {
      sidecar = Sidecar.start(config, run.overrides(), tls.join());
    } catch (Exception e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof UncheckedIOException unchecked) {
        cause = unchecked.getCause();
      }
      // Netty's threads are not daemons: without an explicit exit, a failed start would hang.
      System.err.println(
          "keyrelay: cannot start: "
              + (cause.getMessage() == null ? RootCause.message(cause) : cause.getMessage()));
      System.exit(1);
      return;
    }
    started.set(sidecar);
    if (!run.exitWhenReady()) {
      // Start-up garbage (jar inflaters, parser state, buffers) pins native memory until it is
      // collected. One collection now, before traffic and in about 10 ms, lets the JVM's periodic
      // native heap trim (jvm.options) return some 15 MB of the idle footprint.
      System.gc();
      sidecar.awaitQuitRequest();
    }
    System.exit(0);
  }
}

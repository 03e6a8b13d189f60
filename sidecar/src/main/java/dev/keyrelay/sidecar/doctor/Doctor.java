package dev.keyrelay.sidecar.doctor;

import dev.keyrelay.sidecar.config.ConfigException;
import dev.keyrelay.sidecar.config.ConfigLoader;
import dev.keyrelay.sidecar.config.ConfigOverrides;
import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.config.PostgresListener;
import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.SidecarConfig;
import dev.keyrelay.sidecar.secrets.SecretResolver;
import dev.keyrelay.sidecar.secrets.SecretStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code keyrelay-sidecar doctor --config FILE}: checks that a config would work on this machine
 * without starting the sidecar. It loads the config, reads every secret, resolves and (for HTTPS)
 * handshakes with every upstream, writes to the CA directory and binds every port it would listen
 * on; one line per check, exit 0 only when all pass.
 */
public final class Doctor {

  private final PrintStream out;
  private int failures;

  private Doctor(PrintStream out) {
    this.out = out;
  }

  /** Runs every check and returns the exit code: 0 all passed, 1 otherwise. */
  public static int run(Path file, ConfigOverrides overrides, PrintStream out) {
    return new Doctor(out).checkAll(file, overrides);
  }

  private int checkAll(Path file, ConfigOverrides overrides) {
    SidecarConfig config;
    try {
      config = ConfigLoader.load(file, overrides);
    } catch (ConfigException e) {
      report(false, "config " + file, String.join("; ", e.problems()));
      return 1;
    }
    report(
        true,
        "config " + file,
        config.routes().size() + " routes, " + config.listeners().size() + " listeners");
    ExecutorService blocking = Executors.newCachedThreadPool();
    try {
      SecretResolver secrets =
          new SecretResolver(blocking, new SimpleMeterRegistry(), config.secrets(), config.vault());
      Probes probes = new Probes(config.proxy().connectTimeout());
      for (Route route : config.routes()) {
        secret(secrets, "route " + route.name(), route.secret());
        int port = route.match().port() == null ? 443 : route.match().port();
        String target = "route " + route.name() + " upstream " + route.match().host() + ":" + port;
        record(target, probes.https(route.match().host(), port, route.upstreamCaFile()));
      }
      for (PostgresListener listener : config.listeners()) {
        secret(secrets, "listener " + listener.name(), listener.secret());
        String host = listener.upstream().host();
        int port = listener.upstream().port();
        record(
            "listener " + listener.name() + " upstream " + host + ":" + port,
            probes.tcp(host, port));
      }
      record("ca dir " + config.ca().dir(), Probes.writable(config.ca().dir()));
      port("proxy.listen", config.proxy().listen());
      port("admin.listen", config.admin().listen());
      for (PostgresListener listener : config.listeners()) {
        port("listener " + listener.name() + " listen", listener.listen());
      }
      probes.close();
    } finally {
      blocking.shutdownNow();
    }
    out.println(failures == 0 ? "all checks passed" : failures + " check(s) failed");
    return failures == 0 ? 0 : 1;
  }

  private void secret(SecretResolver secrets, String owner, SecretRef ref) {
    SecretStatus status;
    try {
      status = secrets.status(owner, ref).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      status = new SecretStatus("unavailable", "no answer: " + e);
    }
    report(
        status.ok(), owner + " secret " + ref.describe(), status.state() + ": " + status.detail());
  }

  private void port(String what, HostPort listen) {
    if (listen.port() == 0) {
      report(true, what + " " + listen, "port 0 picks a free port");
      return;
    }
    record(what + " " + listen, Probes.bindable(listen));
  }

  private void record(String what, Probes.Outcome outcome) {
    report(outcome.ok(), what, outcome.detail());
  }

  private void report(boolean ok, String what, String detail) {
    if (!ok) {
      failures++;
    }
    out.println((ok ? "ok    " : "FAIL  ") + what + ": " + detail);
  }
}

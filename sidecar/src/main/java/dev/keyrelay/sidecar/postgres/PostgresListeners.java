package dev.keyrelay.sidecar.postgres;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.keyrelay.sidecar.audit.AuditLog;
import dev.keyrelay.sidecar.config.PostgresListener;
import dev.keyrelay.sidecar.secrets.SecretResolver;
import dev.keyrelay.sidecar.tls.UpstreamTlsContexts;
import dev.keyrelay.sidecar.transport.Transport;
import dev.keyrelay.sidecar.upstream.HostResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All of the sidecar's PostgreSQL listeners. {@link #apply} makes the bound set match a config:
 * unchanged listeners keep running, removed or changed ones stop accepting (their live sessions
 * continue), new or changed ones are bound.
 */
public final class PostgresListeners implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PostgresListeners.class);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final PostgresServices services;
  private final Map<String, PostgresServer> servers = new LinkedHashMap<>();

  public PostgresListeners(
      Transport transport,
      EventLoopGroup boss,
      EventLoopGroup workers,
      Executor blocking,
      SecretResolver secrets,
      ListenerTlsContext clientTls,
      UpstreamTlsContexts upstreamTls,
      MeterRegistry registry,
      AuditLog audit,
      Duration connectTimeout) {
    this.boss = boss;
    this.workers = workers;
    this.services =
        new PostgresServices(
            transport,
            blocking,
            new HostResolver(blocking),
            secrets,
            clientTls,
            new UpstreamTls(upstreamTls),
            new PostgresMetrics(registry),
            audit,
            new CancelRegistry(),
            new ScramKeys(),
            connectTimeout);
  }

  /**
   * Binds, rebinds and unbinds so that exactly {@code wanted} are served. A listener that cannot be
   * bound is logged and skipped; the others still apply. Call it off the event loops: the first
   * listener mints the agent-side certificate.
   *
   * @return one line per listener that could not be bound; empty when all are served
   */
  public synchronized List<String> apply(List<PostgresListener> wanted) {
    Map<String, PostgresListener> byName = new LinkedHashMap<>();
    wanted.forEach(listener -> byName.put(listener.name(), listener));
    servers
        .entrySet()
        .removeIf(
            entry -> {
              if (entry.getValue().listener().equals(byName.get(entry.getKey()))) {
                return false;
              }
              entry.getValue().close();
              log.info("postgres listener stopped {}", kv("listener", entry.getKey()));
              return true;
            });
    List<String> failures = new ArrayList<>();
    for (PostgresListener listener : wanted) {
      if (!servers.containsKey(listener.name())) {
        bind(listener, failures);
      }
    }
    return failures;
  }

  private void bind(PostgresListener listener, List<String> failures) {
    try {
      services.clientTls().prepare();
      PostgresServer server = PostgresServer.bind(listener, boss, workers, services);
      servers.put(listener.name(), server);
      log.info(
          "postgres listener started {} {} {}",
          kv("listener", listener.name()),
          kv("listen", server.address().toString()),
          kv("upstream", listener.upstream().host() + ":" + listener.upstream().port()));
    } catch (Transport.ListenException | RuntimeException e) {
      failures.add("listener " + listener.name() + ": " + e.getMessage());
      log.error(
          "postgres listener cannot bind {} {} {}",
          kv("listener", listener.name()),
          kv("listen", listener.listen().toString()),
          kv("error", e.getMessage()));
    }
  }

  @Override
  public synchronized void close() {
    servers.values().forEach(PostgresServer::close);
    servers.clear();
  }
}

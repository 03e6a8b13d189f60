package dev.keyrelay.sidecar.audit;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.util.ArrayList;
import java.util.List;
import net.logstash.logback.argument.StructuredArgument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one JSON line per proxy decision or listener session to {@code keyrelay.audit}. */
public final class AuditLog {

  private static final Logger AUDIT = LoggerFactory.getLogger("keyrelay.audit");

  private final String via;
  private final String proxyToken;

  public AuditLog() {
    this(null, null);
  }

  private AuditLog(String via, String proxyToken) {
    this.via = via;
    this.proxyToken = proxyToken;
  }

  /**
   * The same log for connections that reached the sidecar another way than the proxy port; each
   * proxy decision line then carries {@code via}, e.g. {@code "via":"transparent"}.
   */
  public AuditLog via(String listener) {
    return new AuditLog(listener, proxyToken);
  }

  /**
   * The same log for a connection admitted with the proxy token {@code name}; each line then
   * carries {@code "proxy_token":name}.
   */
  public AuditLog by(String name) {
    return new AuditLog(via, name);
  }

  public void record(AuditEvent event) {
    if (!AUDIT.isInfoEnabled()) {
      return;
    }
    List<StructuredArgument> fields = new ArrayList<>(12);
    fields.add(kv("decision", event.decision()));
    if (via != null) {
      fields.add(kv("via", via));
    }
    if (proxyToken != null) {
      fields.add(kv("proxy_token", proxyToken));
    }
    fields.add(kv("host", event.host()));
    fields.add(kv("route", event.route()));
    fields.add(kv("method", event.method()));
    if (event.bytesSent() >= 0) {
      fields.add(kv("bytes_sent", event.bytesSent()));
      fields.add(kv("bytes_received", event.bytesReceived()));
    } else {
      fields.add(kv("path", event.path()));
    }
    fields.add(kv("status", event.status()));
    if (event.scrubbed()) {
      fields.add(kv("scrubbed", true));
    }
    fields.add(kv("duration_ms", millis(event.durationNanos())));
    write(fields);
  }

  public void record(SessionEvent event) {
    if (!AUDIT.isInfoEnabled()) {
      return;
    }
    write(
        List.of(
            kv("decision", "postgres_session"),
            kv("listener", event.listener()),
            kv("upstream", event.upstream()),
            kv("database", event.database()),
            kv("user", event.user()),
            kv("outcome", event.outcome()),
            kv("sqlstate", event.sqlState()),
            kv("duration_ms", millis(event.durationNanos())),
            kv("bytes_from_client", event.bytesFromClient()),
            kv("bytes_to_client", event.bytesToClient())));
  }

  /** The fields become top-level JSON keys; the message names the decision for plain readers. */
  private static void write(List<StructuredArgument> fields) {
    AUDIT.info("{}", fields.toArray());
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}

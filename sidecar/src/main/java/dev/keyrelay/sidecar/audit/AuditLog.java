package dev.keyrelay.sidecar.audit;

import static dev.keyrelay.sidecar.logging.JsonField.field;

import dev.keyrelay.sidecar.logging.JsonField;
import java.util.ArrayList;
import java.util.List;
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
    List<JsonField> fields = new ArrayList<>(12);
    fields.add(field("decision", event.decision()));
    if (via != null) {
      fields.add(field("via", via));
    }
    if (proxyToken != null) {
      fields.add(field("proxy_token", proxyToken));
    }
    fields.add(field("host", event.host()));
    fields.add(field("route", event.route()));
    fields.add(field("method", event.method()));
    if (event.bytesSent() >= 0) {
      fields.add(field("bytes_sent", event.bytesSent()));
      fields.add(field("bytes_received", event.bytesReceived()));
    } else {
      fields.add(field("path", event.path()));
    }
    fields.add(field("status", event.status()));
    if (event.scrubbed()) {
      fields.add(field("scrubbed", true));
    }
    fields.add(field("duration_ms", millis(event.durationNanos())));
    write(fields);
  }

  public void record(SessionEvent event) {
    if (!AUDIT.isInfoEnabled()) {
      return;
    }
    write(
        List.of(
            field("decision", "postgres_session"),
            field("listener", event.listener()),
            field("upstream", event.upstream()),
            field("database", event.database()),
            field("user", event.user()),
            field("outcome", event.outcome()),
            field("sqlstate", event.sqlState()),
            field("duration_ms", millis(event.durationNanos())),
            field("bytes_from_client", event.bytesFromClient()),
            field("bytes_to_client", event.bytesToClient())));
  }

  /** The fields become top-level JSON keys; the message names the decision for plain readers. */
  private static void write(List<JsonField> fields) {
    AUDIT.info("{}", fields.toArray());
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}

package dev.keyrelay.sidecar.audit;

import static dev.keyrelay.sidecar.logging.JsonField.field;

import dev.keyrelay.sidecar.logging.JsonField;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one JSON line per proxy decision or listener session to {@code keyrelay.audit}. */
public final class AuditLog {

  private static final Logger AUDIT = LoggerFactory.getLogger("keyrelay.audit");
  private static final Map<String, String> MESSAGES = new ConcurrentHashMap<>();
  private static final int MOST_FIELDS = 11;

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
    JsonField[] fields = new JsonField[MOST_FIELDS];
    int n = 0;
    fields[n++] = field("decision", event.decision());
    if (via != null) {
      fields[n++] = field("via", via);
    }
    if (proxyToken != null) {
      fields[n++] = field("proxy_token", proxyToken);
    }
    fields[n++] = field("host", event.host());
    fields[n++] = field("route", event.route());
    fields[n++] = field("method", event.method());
    if (event.bytesSent() >= 0) {
      fields[n++] = field("bytes_sent", event.bytesSent());
      fields[n++] = field("bytes_received", event.bytesReceived());
    } else {
      fields[n++] = field("path", event.path());
    }
    fields[n++] = field("status", event.status());
    if (event.scrubbed()) {
      fields[n++] = field("scrubbed", true);
    }
    fields[n++] = field("duration_ms", millis(event.durationNanos()));
    write(event.decision(), Arrays.copyOf(fields, n));
  }

  public void record(SessionEvent event) {
    if (!AUDIT.isInfoEnabled()) {
      return;
    }
    write(
        "postgres_session",
        new JsonField[] {
          field("decision", "postgres_session"),
          field("listener", event.listener()),
          field("upstream", event.upstream()),
          field("database", event.database()),
          field("user", event.user()),
          field("outcome", event.outcome()),
          field("sqlstate", event.sqlState()),
          field("duration_ms", millis(event.durationNanos())),
          field("bytes_from_client", event.bytesFromClient()),
          field("bytes_to_client", event.bytesToClient())
        });
  }

  /**
   * The fields become top-level JSON keys; the message names the decision for plain readers ({@code
   * decision=injected}), kept per decision so that logback formats nothing per line.
   */
  private static void write(String decision, JsonField[] fields) {
    AUDIT.info(
        MESSAGES.computeIfAbsent(String.valueOf(decision), d -> "decision=" + d),
        (Object[]) fields);
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}

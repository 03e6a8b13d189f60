package dev.keyrelay.sidecar.audit;

import static net.logstash.logback.argument.StructuredArguments.kv;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one JSON line per proxy decision or listener session to {@code keyrelay.audit}. */
public final class AuditLog {

  private static final Logger AUDIT = LoggerFactory.getLogger("keyrelay.audit");

  public void record(AuditEvent event) {
    if (!AUDIT.isInfoEnabled()) {
      return;
    }
    double durationMs = Math.round(event.durationNanos() / 10_000.0) / 100.0;
    if (event.bytesSent() >= 0) {
      AUDIT.info(
          "{} {}",
          kv("decision", event.decision()),
          kv("host", event.host()),
          kv("route", event.route()),
          kv("method", event.method()),
          kv("status", event.status()),
          kv("duration_ms", durationMs),
          kv("bytes_sent", event.bytesSent()),
          kv("bytes_received", event.bytesReceived()));
    } else {
      AUDIT.info(
          "{} {}",
          kv("decision", event.decision()),
          kv("host", event.host()),
          kv("route", event.route()),
          kv("method", event.method()),
          kv("path", event.path()),
          kv("status", event.status()),
          kv("duration_ms", durationMs));
    }
  }

  public void record(SessionEvent event) {
    if (!AUDIT.isInfoEnabled()) {
      return;
    }
    AUDIT.info(
        "{} {}",
        kv("decision", "postgres_session"),
        kv("listener", event.listener()),
        kv("upstream", event.upstream()),
        kv("database", event.database()),
        kv("user", event.user()),
        kv("outcome", event.outcome()),
        kv("sqlstate", event.sqlState()),
        kv("duration_ms", Math.round(event.durationNanos() / 10_000.0) / 100.0),
        kv("bytes_from_client", event.bytesFromClient()),
        kv("bytes_to_client", event.bytesToClient()));
  }
}

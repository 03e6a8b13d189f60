package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.audit.AuditEvent;

/** Byte counts of one blind tunnel, audited once when either side closes; event-loop confined. */
final class TunnelStats {

  private final ProxyServices services;
  private final String host;
  private final long startNanos;
  private long bytesSent;
  private long bytesReceived;
  private boolean recorded;

  TunnelStats(ProxyServices services, String host, long startNanos) {
    this.services = services;
    this.host = host;
    this.startNanos = startNanos;
  }

  ProxyServices services() {
    return services;
  }

  void transferred(boolean fromClient, long bytes) {
    if (fromClient) {
      bytesSent += bytes;
    } else {
      bytesReceived += bytes;
    }
    services.metrics().tunnelBytes(fromClient ? "sent" : "received", bytes);
  }

  void closed() {
    if (recorded) {
      return;
    }
    recorded = true;
    services
        .audit()
        .record(
            new AuditEvent(
                "tunnelled",
                null,
                host,
                "CONNECT",
                null,
                200,
                System.nanoTime() - startNanos,
                bytesSent,
                bytesReceived,
                false));
  }
}

package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.audit.AuditLog;
import dev.keyrelay.sidecar.policy.RouteLimiters;
import dev.keyrelay.sidecar.scrub.Scrubbing;
import dev.keyrelay.sidecar.secrets.SecretResolver;
import dev.keyrelay.sidecar.tls.ServerTlsContexts;
import dev.keyrelay.sidecar.transport.Transport;
import dev.keyrelay.sidecar.upstream.HostResolver;
import dev.keyrelay.sidecar.upstream.Upstreams;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The long-lived services every proxy connection uses; {@code state} is swapped on config reload,
 * and a connection reads it once per decision. {@code headerTimeout} also bounds the first request
 * head inside an intercepted tunnel. {@code limiters} outlive reloads, as spent budgets must.
 */
public record ProxyServices(
    AtomicReference<ProxyState> current,
    Transport transport,
    HostResolver resolver,
    SecretResolver secrets,
    ServerTlsContexts serverTls,
    Upstreams upstreams,
    ProxyMetrics metrics,
    AuditLog audit,
    Scrubbing scrubbing,
    Duration connectTimeout,
    Duration headerTimeout,
    RouteLimiters limiters) {

  public ProxyState state() {
    return current.get();
  }
}

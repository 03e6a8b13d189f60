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
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The long-lived services every proxy connection uses; {@code state} is swapped on config reload,
 * and a connection reads it once per decision. {@code headerTimeout} also bounds the first request
 * head inside an intercepted tunnel. {@code limiters} outlive reloads, as spent budgets must.
 * {@code blocking} runs work too long for an event loop (hashing a large body to sign it).
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
    RouteLimiters limiters,
    Executor blocking) {

  public ProxyState state() {
    return current.get();
  }

  /** The same services auditing through {@code other}. */
  public ProxyServices withAudit(AuditLog other) {
    return new ProxyServices(
        current,
        transport,
        resolver,
        secrets,
        serverTls,
        upstreams,
        metrics,
        other,
        scrubbing,
        connectTimeout,
        headerTimeout,
        limiters,
        blocking);
  }
}

package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.audit.AuditLog;
import dev.keyrelay.sidecar.secrets.SecretResolver;
import dev.keyrelay.sidecar.transport.Transport;
import dev.keyrelay.sidecar.upstream.HostResolver;
import java.time.Duration;
import java.util.concurrent.Executor;

/** What every listener's sessions share: transport, secrets, TLS, metrics, audit, cancel keys. */
record PostgresServices(
    Transport transport,
    Executor blocking,
    HostResolver hosts,
    SecretResolver secrets,
    ListenerTlsContext clientTls,
    UpstreamTls upstreamTls,
    PostgresMetrics metrics,
    AuditLog audit,
    CancelRegistry cancels,
    ScramKeys scramKeys,
    Duration connectTimeout) {}

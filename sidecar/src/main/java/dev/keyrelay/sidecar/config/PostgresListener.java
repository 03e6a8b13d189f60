package dev.keyrelay.sidecar.config;

import java.time.Duration;
import java.util.List;

/**
 * One PostgreSQL listener: agents connect to {@code listen} with no password, the sidecar logs in
 * to {@code upstream} as {@code user} with the value from {@code secret} and relays the session.
 *
 * @param user the user agents connect as; the sidecar logs in as this user too, except with a
 *     {@link SecretRef.VaultDatabase} secret, which logs in as the user Vault issued. Null only
 *     with such a secret: agents may then connect as any user
 * @param databases the databases a client may ask for; empty means any
 * @param startupTimeout how long a client may take from connecting to a complete startup
 */
public record PostgresListener(
    String name,
    HostPort listen,
    PostgresUpstream upstream,
    String user,
    List<String> databases,
    ClientTls clientTls,
    Duration startupTimeout,
    SecretRef secret) {

  public PostgresListener {
    databases = List.copyOf(databases);
  }

  /** Whether the agent's side of a listener may or must use TLS. */
  public enum ClientTls {
    /** Answer SSLRequest with N; a direct TLS hello is refused. */
    DISABLE,
    /** TLS with a certificate from the sidecar CA when the client asks; plain startups allowed. */
    ACCEPT,
    /** A plain StartupMessage is refused. */
    REQUIRE
  }
}

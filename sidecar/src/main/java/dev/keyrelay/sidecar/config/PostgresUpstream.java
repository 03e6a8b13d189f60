package dev.keyrelay.sidecar.config;

import java.nio.file.Path;

/**
 * The real PostgreSQL server behind a listener.
 *
 * @param caFile PEM trust for {@code verify-ca}/{@code verify-full} besides the system roots, or
 *     null
 */
public record PostgresUpstream(String host, int port, SslMode sslMode, Path caFile) {

  /** libpq's sslmode values that make sense for a sidecar (no silent fallback to plain). */
  public enum SslMode {
    DISABLE,
    /** TLS without checking the certificate. */
    REQUIRE,
    /** TLS with a certificate chain to a trusted CA, any host name. */
    VERIFY_CA,
    /** TLS with a trusted certificate that names the host. */
    VERIFY_FULL
  }
}

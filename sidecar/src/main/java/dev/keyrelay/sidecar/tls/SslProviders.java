package dev.keyrelay.sidecar.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks BoringSSL (netty-tcnative) when it loads on this platform, else the JDK's TLS. */
final class SslProviders {

  private static final Logger LOG = LoggerFactory.getLogger(SslProviders.class);
  private static final SslProvider PREFERRED = choose();

  private SslProviders() {}

  static SslProvider preferred() {
    return PREFERRED;
  }

  private static SslProvider choose() {
    if (OpenSsl.isAvailable()) {
      LOG.info("TLS provider: {}", OpenSsl.versionString());
      return SslProvider.OPENSSL;
    }
    LOG.info(
        "TLS provider: JDK (netty-tcnative unavailable: {})",
        OpenSsl.unavailabilityCause().toString());
    return SslProvider.JDK;
  }
}

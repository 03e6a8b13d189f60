package dev.keyrelay.sidecar.secrets;

import java.time.Duration;

/**
 * A source whose values an issuer hands out with a lifetime (OAuth 2.0, GitHub App installation
 * tokens). The resolver reads it through a {@link TokenReader}, which keeps the token until shortly
 * before it expires and asks for the next one ahead of that.
 */
interface TokenSource extends SecretSource {

  /**
   * Asks the issuer for a new token. May block, so it is never called on an event loop; calls are
   * never concurrent.
   *
   * @throws SecretStoreDownException when the issuer could not be asked or failed (an outage)
   * @throws SecretUnavailableException when the issuer refused (a bad grant, a revoked key)
   */
  IssuedToken issue() throws SecretUnavailableException;

  /**
   * The longest margin kept between the end of a token's use and its expiry (a tenth of the
   * lifetime when that is less), so that a token is never presented just as it runs out.
   */
  Duration maxSkew();

  /** See {@link SecretReader#hold}; only leased values need it. */
  default Runnable hold(SecretValue value) {
    return () -> {};
  }

  @Override
  default SecretValue read() throws SecretUnavailableException {
    return issue().value();
  }

  @Override
  default boolean remote() {
    return true;
  }
}

package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.secrets.SecretInvalidException;
import dev.keyrelay.sidecar.secrets.SecretValue;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Removes whatever credential the agent sent and puts the route's real one in its place. */
public final class CredentialInjector {

  private CredentialInjector() {}

  /**
   * Injects the credential.
   *
   * @throws SecretInvalidException when the value cannot travel in a header as it is (a header
   *     carries ASCII; anything else would be mangled on the wire, never sent as stored)
   */
  public static void inject(HttpHeaders headers, RouteAuth auth, SecretValue secret)
      throws SecretInvalidException {
    String value = headerValue(auth, secret);
    // Stripping is unconditional: a placeholder (or a real token the agent should not have) never
    // reaches the upstream beside the injected one.
    headers.remove(HttpHeaderNames.AUTHORIZATION);
    headers.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    headers.remove(auth.headerName());
    headers.set(auth.headerName(), value);
  }

  private static String headerValue(RouteAuth auth, SecretValue secret)
      throws SecretInvalidException {
    if (auth instanceof RouteAuth.Basic basic) {
      // Base64 of the UTF-8 bytes: any character the secret holds arrives intact.
      String pair = basic.username() + ":" + secret.reveal();
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    RouteAuth.Header header = (RouteAuth.Header) auth;
    String value = secret.reveal();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new SecretInvalidException(
            "the secret holds a character a "
                + header.headerName()
                + " header cannot carry"
                + " (only printable ASCII); use basic auth or re-encode the value");
      }
    }
    return header.scheme() == null ? value : header.scheme() + " " + value;
  }
}

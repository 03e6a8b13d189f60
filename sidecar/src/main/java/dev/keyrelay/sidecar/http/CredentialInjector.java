package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.secrets.SecretValue;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Removes whatever credential the agent sent and puts the route's real one in its place. */
public final class CredentialInjector {

  private CredentialInjector() {}

  public static void inject(HttpHeaders headers, RouteAuth auth, SecretValue secret) {
    // Stripping is unconditional: a placeholder (or a real token the agent should not have) never
    // reaches the upstream beside the injected one.
    headers.remove(HttpHeaderNames.AUTHORIZATION);
    headers.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    headers.remove(auth.headerName());
    headers.set(auth.headerName(), headerValue(auth, secret));
  }

  private static String headerValue(RouteAuth auth, SecretValue secret) {
    if (auth instanceof RouteAuth.Basic basic) {
      String pair = basic.username() + ":" + secret.reveal();
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    RouteAuth.Header header = (RouteAuth.Header) auth;
    return header.scheme() == null ? secret.reveal() : header.scheme() + " " + secret.reveal();
  }
}

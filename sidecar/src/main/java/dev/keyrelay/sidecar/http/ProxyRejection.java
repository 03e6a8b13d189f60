package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Why the proxy answered a request itself instead of forwarding it; becomes the JSON error body.
 * Its texts are shown to the agent, so they never carry a secret.
 */
public final class ProxyRejection extends RuntimeException {

  private final HttpResponseStatus status;
  private final String error;
  private final String route;

  public ProxyRejection(HttpResponseStatus status, String error, String route, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.error = error;
    this.route = route;
  }

  public HttpResponseStatus status() {
    return status;
  }

  /** A short machine-readable code such as {@code policy_denied}. */
  public String error() {
    return error;
  }

  /** The route name, or null when no route matched. */
  public String route() {
    return route;
  }

  public String detail() {
    return getMessage();
  }

  /** The audit decision this rejection is recorded as. */
  public String decision() {
    return status.code() == 403 ? "denied" : "failed";
  }
}

package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Why the proxy answered a request itself instead of forwarding it; becomes a problem details body.
 * Its texts are shown to the agent, so they never carry a secret.
 */
public final class ProxyRejection extends RuntimeException {

  private final ProblemType type;
  private final String route;
  private HttpHeaders headers = EmptyHttpHeaders.INSTANCE;

  public ProxyRejection(ProblemType type, String route, String detail) {
    super(detail, null, false, false);
    this.type = type;
    this.route = route;
  }

  /** Adds a response header (such as {@code Retry-After}); only while the rejection is built. */
  public ProxyRejection withHeader(CharSequence name, Object value) {
    if (headers == EmptyHttpHeaders.INSTANCE) {
      headers = new DefaultHttpHeaders();
    }
    headers.add(name, value);
    return this;
  }

  public ProblemType type() {
    return type;
  }

  public HttpResponseStatus status() {
    return type.status();
  }

  /** The short machine-readable code such as {@code policy_denied}. */
  public String error() {
    return type.code();
  }

  /** The route name, or null when no route matched. */
  public String route() {
    return route;
  }

  public String detail() {
    return getMessage();
  }

  /** Headers the response carries besides the problem's own. */
  public HttpHeaders headers() {
    return headers;
  }

  /** The audit decision this rejection is recorded as. */
  public String decision() {
    return switch (status().code()) {
      case 403 -> "denied";
      case 429 -> "limited";
      default -> "failed";
    };
  }
}

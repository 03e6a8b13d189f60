package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;

/**
 * Every kind of answer the proxy writes itself instead of the upstream's (RFC 9457 problem types).
 * The code is the {@code X-Keyrelay-Error} header value; the type URI is derived from it and stays
 * stable, so agents and SDKs can branch on it. docs/sidecar/errors.md lists them all.
 */
public enum ProblemType {
  BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "Malformed request"),
  REQUEST_LINE_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "Request line too long"),
  HEADERS_TOO_LARGE(
      HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large"),
  HTTP_VERSION_NOT_SUPPORTED(
      HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "Only HTTP/1.1 and HTTP/1.0 are forwarded"),
  HEADER_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "Request head not received in time"),
  PROXY_AUTHENTICATION_REQUIRED(
      HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED, "Proxy token required"),
  TOO_MANY_CONNECTIONS(HttpResponseStatus.SERVICE_UNAVAILABLE, "Too many proxy connections"),
  POLICY_DENIED(HttpResponseStatus.FORBIDDEN, "Destination not allowed by the egress policy"),
  HOST_MISMATCH(HttpResponseStatus.FORBIDDEN, "Request host differs from the tunnel's"),
  INSECURE_HTTP_REFUSED(HttpResponseStatus.FORBIDDEN, "Credential refused over plain HTTP"),
  REQUEST_NOT_ALLOWED(HttpResponseStatus.FORBIDDEN, "Request not allowed by the route's rules"),
  PATH_REFUSED(HttpResponseStatus.BAD_REQUEST, "Ambiguous request path"),
  RATE_LIMITED(HttpResponseStatus.TOO_MANY_REQUESTS, "Route request rate exceeded"),
  CONCURRENCY_LIMITED(HttpResponseStatus.TOO_MANY_REQUESTS, "Route concurrency exceeded"),
  CERTIFICATE_FAILED(HttpResponseStatus.BAD_GATEWAY, "Interception certificate unavailable"),
  SECRET_UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE, "Credential unavailable"),
  SECRET_INVALID(HttpResponseStatus.SERVICE_UNAVAILABLE, "Credential unusable"),
  UPSTREAM_TRUST_UNAVAILABLE(
      HttpResponseStatus.SERVICE_UNAVAILABLE, "Upstream CA certificates unavailable"),
  UPSTREAM_UNRESOLVED(HttpResponseStatus.BAD_GATEWAY, "Upstream host not resolved"),
  UPSTREAM_UNREACHABLE(HttpResponseStatus.BAD_GATEWAY, "Upstream unreachable"),
  UPSTREAM_TLS_FAILED(HttpResponseStatus.BAD_GATEWAY, "Upstream TLS handshake failed"),
  UPSTREAM_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "Upstream timed out"),
  UPSTREAM_FAILED(HttpResponseStatus.BAD_GATEWAY, "Upstream failed");

  /** Where the documentation of each type lives; a problem's type is this plus its slug. */
  public static final String BASE_URI = "https://keyrelay.dev/problems/";

  private final HttpResponseStatus status;
  private final String title;
  private final String code;
  private final String uri;

  ProblemType(HttpResponseStatus status, String title) {
    this.status = status;
    this.title = title;
    this.code = name().toLowerCase(Locale.ROOT);
    this.uri = BASE_URI + code.replace('_', '-');
  }

  public HttpResponseStatus status() {
    return status;
  }

  /** The same for every occurrence of the type (RFC 9457 section 3.1.3). */
  public String title() {
    return title;
  }

  /**
   * The short machine-readable code sent as {@code X-Keyrelay-Error}, e.g. {@code policy_denied}.
   */
  public String code() {
    return code;
  }

  public String uri() {
    return uri;
  }
}

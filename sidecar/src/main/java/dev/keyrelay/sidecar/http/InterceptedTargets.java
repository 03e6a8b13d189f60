package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.upstream.HostResolver;
import dev.keyrelay.sidecar.upstream.UpstreamKey;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Targets inside a TLS-intercepted CONNECT tunnel: every request goes to the host the tunnel was
 * opened for, under the route that matched it then, whatever routes are loaded later.
 */
final class InterceptedTargets implements TargetSelector {

  private final Route route;
  private final String host;
  private final int port;
  private final HostResolver resolver;
  private final String authority;
  private final String hostAndPort;
  // Resolved once per tunnel: every request of the tunnel goes to the same checked address, under
  // one target (and so one upstream key, which the client connection's kept upstream compares).
  private volatile ExchangeTarget target;

  InterceptedTargets(Route route, String host, int port, HostResolver resolver) {
    this.route = route;
    this.host = host;
    this.port = port;
    this.resolver = resolver;
    this.authority = RequestTargets.authority(host, port, 443);
    this.hostAndPort = RequestTargets.authority(host, port, 0);
  }

  /** The route the tunnel was opened under. */
  Route route() {
    return route;
  }

  @Override
  public CompletableFuture<ExchangeTarget> select(HttpRequest request) {
    String requestHost = request.headers().get(HttpHeaderNames.HOST);
    if (requestHost != null && !sameHost(requestHost)) {
      // A Host that differs from the tunnel's could steer a shared front end (CDN, ingress) to
      // another origin, carrying the injected credential with it.
      return CompletableFuture.failedFuture(
          new ProxyRejection(
              ProblemType.HOST_MISMATCH,
              route.name(),
              "Host header does not match the CONNECT destination " + host));
    }
    ProxyRejection refused = toOriginForm(request);
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    request.headers().set(HttpHeaderNames.HOST, authority);
    ExchangeTarget resolved = target;
    if (resolved != null) {
      return CompletableFuture.completedFuture(resolved);
    }
    return resolver.resolve(host).thenApply(this::target);
  }

  /**
   * Rewrites an absolute-form target to origin form, but only one that names this tunnel's own
   * https origin: rewriting another host's URL to this host would send the credential along with a
   * request the agent addressed elsewhere.
   *
   * @return why the target is refused, or null
   */
  private ProxyRejection toOriginForm(HttpRequest request) {
    String uri = request.uri();
    if (uri.startsWith("/") || uri.equals("*")) {
      return null;
    }
    RequestTargets.Absolute absolute;
    try {
      absolute = RequestTargets.parseAbsolute(uri);
    } catch (IllegalArgumentException e) {
      return new ProxyRejection(ProblemType.BAD_REQUEST, route.name(), "malformed request target");
    }
    RequestTargets.Authority named = absolute.authority();
    if (!absolute.scheme().equals("https") || !named.host().equals(host) || named.port() != port) {
      return new ProxyRejection(
          ProblemType.HOST_MISMATCH,
          route.name(),
          "request target does not match the CONNECT destination " + host);
    }
    request.setUri(absolute.originForm());
    return null;
  }

  private ExchangeTarget target(InetAddress resolved) {
    ExchangeTarget first = target;
    if (first == null) {
      UpstreamKey key =
          new UpstreamKey(
              host, port, true, route.upstreamCaFile(), new InetSocketAddress(resolved, port));
      first = new ExchangeTarget(route, key, authority);
      target = first;
    }
    return first;
  }

  private boolean sameHost(String hostHeader) {
    if (hostHeader.equalsIgnoreCase(authority) || hostHeader.equalsIgnoreCase(hostAndPort)) {
      return true; // the usual case, without parsing
    }
    try {
      RequestTargets.Authority parsed = RequestTargets.parseAuthority(hostHeader, port);
      return parsed.host().equals(host) && parsed.port() == port;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}

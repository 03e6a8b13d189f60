package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.egress.EgressDecision;
import dev.keyrelay.sidecar.upstream.UpstreamKey;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Targets of plain-HTTP proxy requests ({@code GET http://host/path}): each request names its own
 * destination and is matched against the routes loaded when it arrives.
 */
final class AbsoluteFormTargets implements TargetSelector {

  private final ProxyServices services;

  AbsoluteFormTargets(ProxyServices services) {
    this.services = services;
  }

  @Override
  public CompletableFuture<ExchangeTarget> select(HttpRequest request) {
    RequestTargets.Absolute target;
    try {
      target = RequestTargets.parseAbsolute(request.uri());
    } catch (IllegalArgumentException e) {
      return rejected(ProblemType.BAD_REQUEST, null, e.getMessage());
    }
    if (!target.scheme().equals("http")) {
      return rejected(
          ProblemType.BAD_REQUEST,
          null,
          "only http:// targets can be sent in absolute form; use CONNECT for https");
    }
    String host = target.authority().host();
    int port = target.authority().port();
    request.setUri(target.originForm());
    String authority = RequestTargets.authority(host, port, 80);
    request.headers().set(HttpHeaderNames.HOST, authority);

    ProxyState state = services.state();
    Optional<Route> route = state.routes().match(host, port);
    if (route.isPresent()) {
      return forRoute(route.get(), host, port, authority);
    }
    return state
        .egress()
        .check(host, port)
        .thenApply(decision -> unmatched(decision, host, port, authority));
  }

  /** The route a plain-HTTP request would be sent under, or null (also for a malformed target). */
  static Route routeOf(ProxyServices services, HttpRequest request) {
    try {
      RequestTargets.Absolute target = RequestTargets.parseAbsolute(request.uri());
      return services
          .state()
          .routes()
          .match(target.authority().host(), target.authority().port())
          .orElse(null);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private CompletableFuture<ExchangeTarget> forRoute(
      Route route, String host, int port, String authority) {
    if (!route.allowInsecureHttp()) {
      return rejected(
          ProblemType.INSECURE_HTTP_REFUSED,
          route.name(),
          "route sends its credential only over HTTPS; use https:// or set allowInsecureHttp");
    }
    // A route is an explicit trust decision: its host is resolved but not held to the deny list.
    return services
        .resolver()
        .resolve(host)
        .thenApply(
            address -> {
              UpstreamKey key =
                  new UpstreamKey(host, port, false, null, new InetSocketAddress(address, port));
              return new ExchangeTarget(route, key, authority);
            });
  }

  private static ExchangeTarget unmatched(
      EgressDecision decision, String host, int port, String authority) {
    if (!decision.allowed()) {
      throw new ProxyRejection(ProblemType.POLICY_DENIED, null, decision.reason());
    }
    return new ExchangeTarget(
        null, new UpstreamKey(host, port, false, null, decision.address()), authority);
  }

  private static CompletableFuture<ExchangeTarget> rejected(
      ProblemType type, String route, String detail) {
    return CompletableFuture.failedFuture(new ProxyRejection(type, route, detail));
  }
}

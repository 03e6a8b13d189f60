package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Targets of redirected plain-HTTP requests: an origin-form request goes to its Host, then is
 * matched and checked exactly as the proxy's absolute-form requests are.
 */
final class HostHeaderTargets implements TargetSelector {

  private final AbsoluteFormTargets absolute;

  HostHeaderTargets(ProxyServices services) {
    this.absolute = new AbsoluteFormTargets(services);
  }

  @Override
  public CompletableFuture<ExchangeTarget> select(HttpRequest request) {
    if (request.uri().startsWith("/")) {
      String host = request.headers().get(HttpHeaderNames.HOST);
      RequestTargets.Authority authority;
      try {
        authority = RequestTargets.parseAuthority(host == null ? "" : host, 80);
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(
            new ProxyRejection(
                ProblemType.BAD_REQUEST, null, "a redirected request needs a valid Host header"));
      }
      request.setUri(
          "http://"
              + RequestTargets.authority(authority.host(), authority.port(), 80)
              + request.uri());
    }
    return absolute.select(request);
  }
}

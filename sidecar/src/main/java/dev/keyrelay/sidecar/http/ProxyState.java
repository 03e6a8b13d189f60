package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.ProxyToken;
import dev.keyrelay.sidecar.egress.EgressGuard;
import java.util.List;

/**
 * What a config reload replaces as one unit: the routes, the egress policy and the proxy tokens.
 */
public record ProxyState(RouteTable routes, EgressGuard egress, ProxyTokens tokens) {

  public ProxyState(RouteTable routes, EgressGuard egress) {
    this(routes, egress, ProxyTokens.NONE);
  }

  public ProxyState(RouteTable routes, EgressGuard egress, List<ProxyToken> tokens) {
    this(routes, egress, new ProxyTokens(tokens));
  }
}

package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.egress.EgressGuard;

/** What a config reload replaces as one unit: the routes and the egress policy. */
public record ProxyState(RouteTable routes, EgressGuard egress) {}

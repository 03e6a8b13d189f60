package dev.keyrelay.sidecar.config;

/**
 * The listeners that the enforced-egress rules of {@code init-network} redirect the agent's
 * outbound TCP 443 and 80 to. Both are loopback addresses: iptables REDIRECT delivers locally
 * generated connections to 127.0.0.1.
 *
 * @param httpsListen redirected HTTPS, routed by the TLS ClientHello's server name (default
 *     127.0.0.1:15443)
 * @param httpListen redirected plain HTTP, routed by the Host header (default 127.0.0.1:15080)
 */
public record TransparentSettings(HostPort httpsListen, HostPort httpListen) {}

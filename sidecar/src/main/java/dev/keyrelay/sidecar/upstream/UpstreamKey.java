package dev.keyrelay.sidecar.upstream;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Identifies interchangeable upstream connections: same checked address, same host name (SNI and
 * certificate check), same TLS trust.
 *
 * @param address the resolved address that was checked; connecting never resolves again
 * @param caFile extra trust for this upstream, or null for the system roots alone
 */
public record UpstreamKey(
    String host, int port, boolean tls, Path caFile, InetSocketAddress address) {}

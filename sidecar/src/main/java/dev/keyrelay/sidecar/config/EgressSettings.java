package dev.keyrelay.sidecar.config;

import java.util.List;

/**
 * Policy for traffic that matches no route.
 *
 * @param exceptions host[:port] entries allowed despite the private/loopback/metadata deny list
 * @param allowList when not empty, unmatched traffic may reach only these host[:port] entries
 * @param blockList host[:port] entries always refused for unmatched traffic
 */
public record EgressSettings(
    List<HostMatch> exceptions, List<HostMatch> allowList, List<HostMatch> blockList) {

  public EgressSettings {
    exceptions = List.copyOf(exceptions);
    allowList = List.copyOf(allowList);
    blockList = List.copyOf(blockList);
  }
}

package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.EgressEntry;
import java.util.List;

/**
 * Policy for traffic that matches no route.
 *
 * @param exceptions entries allowed despite the private/loopback/metadata deny list
 * @param allowList when not empty, unmatched traffic may reach only these entries
 * @param blockList entries always refused for unmatched traffic
 */
public record EgressSettings(
    List<EgressEntry> exceptions, List<EgressEntry> allowList, List<EgressEntry> blockList) {

  public EgressSettings {
    exceptions = List.copyOf(exceptions);
    allowList = List.copyOf(allowList);
    blockList = List.copyOf(blockList);
  }
}

package dev.keyrelay.sidecar.egress;

import java.net.InetSocketAddress;

/**
 * The egress guard's answer for one unmatched destination.
 *
 * @param allowed whether the connection may be made
 * @param address the resolved and checked address to connect to (never re-resolved); null when
 *     denied
 * @param reason why, in words fit for the agent and the audit log, e.g. "127.0.0.1 is loopback"
 */
public record EgressDecision(boolean allowed, InetSocketAddress address, String reason) {

  public static EgressDecision allow(InetSocketAddress address, String reason) {
    return new EgressDecision(true, address, reason);
  }

  public static EgressDecision deny(String reason) {
    return new EgressDecision(false, null, reason);
  }
}

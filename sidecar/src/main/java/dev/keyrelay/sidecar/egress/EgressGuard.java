package dev.keyrelay.sidecar.egress;

import dev.keyrelay.contract.AddressRange;
import dev.keyrelay.contract.EgressEntry;
import dev.keyrelay.sidecar.config.EgressSettings;
import dev.keyrelay.sidecar.upstream.HostResolver;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The SSRF guard for traffic that matches no route: applies the block and allow lists (names before
 * resolving, address ranges after), resolves the host once off the event loop, and refuses private,
 * loopback and metadata destinations unless the host is an exception.
 */
public final class EgressGuard {

  private final EgressSettings settings;
  private final HostResolver resolver;
  private final EgressMetrics metrics;

  public EgressGuard(EgressSettings settings, HostResolver resolver, MeterRegistry registry) {
    this.settings = settings;
    this.resolver = resolver;
    this.metrics = new EgressMetrics(registry);
  }

  /**
   * Decides whether a connection to {@code canonicalHost:port} may be made. Completes on the DNS
   * executor when the host is a name, at once when it is an IP literal or listed.
   *
   * @param canonicalHost as produced by {@code HostNames.canonical}
   */
  public CompletableFuture<EgressDecision> check(String canonicalHost, int port) {
    if (byName(settings.blockList(), canonicalHost, port)) {
      return CompletableFuture.completedFuture(deny("blocklist", "host is on the block list"));
    }
    boolean allowedByName =
        settings.allowList().isEmpty() || byName(settings.allowList(), canonicalHost, port);
    if (!allowedByName && !hasRanges(settings.allowList())) {
      return CompletableFuture.completedFuture(deny("allowlist", "host is not on the allow list"));
    }
    return resolver
        .resolveAll(canonicalHost)
        .handle(
            (addresses, failure) ->
                failure == null
                    ? judge(canonicalHost, port, addresses, allowedByName)
                    : deny("unresolved", "cannot resolve host"));
  }

  private EgressDecision judge(
      String host, int port, List<InetAddress> addresses, boolean allowedByName) {
    if (addresses.isEmpty()) {
      return deny("unresolved", "cannot resolve host");
    }
    for (InetAddress address : addresses) {
      if (inRange(settings.blockList(), address)) {
        return deny("blocklist", address.getHostAddress() + " is in a range on the block list");
      }
    }
    if (!allowedByName && !allInRanges(settings.allowList(), addresses)) {
      return deny("allowlist", "host is not on the allow list");
    }
    // Built from the checked InetAddress so connecting never resolves again (no DNS rebinding).
    InetSocketAddress first = new InetSocketAddress(addresses.get(0), port);
    if (byName(settings.exceptions(), host, port)
        || allInRanges(settings.exceptions(), addresses)) {
      return EgressDecision.allow(first, "host is on the exception list");
    }
    // Any bad address refuses the host: a name mixing public and private answers is a rebinding
    // attempt or a misconfiguration either way.
    for (InetAddress address : addresses) {
      Optional<DeniedRange> range = AddressPolicy.deniedRange(address);
      if (range.isPresent()) {
        return deny(range.get().kind(), address.getHostAddress() + " is " + range.get().reason());
      }
    }
    return EgressDecision.allow(first, "public address");
  }

  private EgressDecision deny(String kind, String reason) {
    metrics.denied(kind);
    return EgressDecision.deny(reason);
  }

  private static boolean byName(List<EgressEntry> entries, String host, int port) {
    return entries.stream().anyMatch(e -> e.matchesName(host, port));
  }

  private static boolean hasRanges(List<EgressEntry> entries) {
    return entries.stream().anyMatch(AddressRange.class::isInstance);
  }

  private static boolean inRange(List<EgressEntry> entries, InetAddress address) {
    return entries.stream().anyMatch(e -> e.matchesAddress(address));
  }

  /** Every address in some range: one address outside would be reached unchecked. */
  private static boolean allInRanges(List<EgressEntry> entries, List<InetAddress> addresses) {
    return hasRanges(entries) && addresses.stream().allMatch(a -> inRange(entries, a));
  }
}

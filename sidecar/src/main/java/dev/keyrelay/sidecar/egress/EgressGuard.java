package dev.keyrelay.sidecar.egress;

import dev.keyrelay.contract.HostNames;
import dev.keyrelay.sidecar.config.EgressSettings;
import dev.keyrelay.sidecar.config.HostMatch;
import dev.keyrelay.sidecar.upstream.HostResolver;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The SSRF guard for traffic that matches no route: applies the block and allow lists, resolves the
 * host once off the event loop, and refuses private, loopback and metadata destinations unless the
 * host is an exception.
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
    if (listed(settings.blockList(), canonicalHost, port)) {
      return CompletableFuture.completedFuture(deny("blocklist", "host is on the block list"));
    }
    if (!settings.allowList().isEmpty() && !listed(settings.allowList(), canonicalHost, port)) {
      return CompletableFuture.completedFuture(deny("allowlist", "host is not on the allow list"));
    }
    return resolver
        .resolveAll(canonicalHost)
        .handle(
            (addresses, failure) ->
                failure == null
                    ? judge(canonicalHost, port, addresses)
                    : deny("unresolved", "cannot resolve host"));
  }

  private EgressDecision judge(String host, int port, List<InetAddress> addresses) {
    if (addresses.isEmpty()) {
      return deny("unresolved", "cannot resolve host");
    }
    // Built from the checked InetAddress so connecting never resolves again (no DNS rebinding).
    InetSocketAddress first = new InetSocketAddress(addresses.get(0), port);
    if (listed(settings.exceptions(), host, port)) {
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

  private static boolean listed(List<HostMatch> entries, String host, int port) {
    return entries.stream().anyMatch(m -> m.matches(host, port));
  }
}

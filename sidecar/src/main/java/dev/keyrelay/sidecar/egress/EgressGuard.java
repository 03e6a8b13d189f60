package dev.keyrelay.sidecar.egress;

import dev.keyrelay.sidecar.config.EgressSettings;
import dev.keyrelay.sidecar.config.HostMatch;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The SSRF guard for traffic that matches no route: applies the block and allow lists, resolves the
 * host once off the event loop, and refuses private, loopback and metadata destinations unless the
 * host is an exception.
 */
public final class EgressGuard {

  /** Looks up every address of a host name; may block. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final EgressSettings settings;
  private final Executor dnsExecutor;
  private final Resolver resolver;
  private final EgressMetrics metrics;

  /**
   * Creates a guard for one configuration.
   *
   * @param dnsExecutor where blocking DNS lookups run; never a Netty event loop
   */
  public EgressGuard(EgressSettings settings, Executor dnsExecutor, MeterRegistry registry) {
    this(settings, dnsExecutor, InetAddress::getAllByName, registry);
  }

  EgressGuard(
      EgressSettings settings, Executor dnsExecutor, Resolver resolver, MeterRegistry registry) {
    this.settings = settings;
    this.dnsExecutor = dnsExecutor;
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
    Optional<InetAddress> literal = ipLiteral(canonicalHost);
    if (literal.isPresent()) {
      return CompletableFuture.completedFuture(
          judge(canonicalHost, port, new InetAddress[] {literal.get()}));
    }
    return CompletableFuture.supplyAsync(() -> resolveAndJudge(canonicalHost, port), dnsExecutor);
  }

  private EgressDecision resolveAndJudge(String host, int port) {
    try {
      return judge(host, port, resolver.resolve(host));
    } catch (UnknownHostException e) {
      return deny("unresolved", "cannot resolve host");
    }
  }

  private EgressDecision judge(String host, int port, InetAddress[] addresses) {
    if (addresses.length == 0) {
      return deny("unresolved", "cannot resolve host");
    }
    // Built from the checked InetAddress so connecting never resolves again (no DNS rebinding).
    InetSocketAddress first = new InetSocketAddress(addresses[0], port);
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

  private static Optional<InetAddress> ipLiteral(String host) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("IP literal of unexpected length: " + host, e);
    }
  }
}

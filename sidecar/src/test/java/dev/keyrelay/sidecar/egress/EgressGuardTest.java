package dev.keyrelay.sidecar.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.contract.AddressRange;
import dev.keyrelay.contract.DomainMatch;
import dev.keyrelay.contract.EgressEntry;
import dev.keyrelay.contract.HostMatch;
import dev.keyrelay.sidecar.config.EgressSettings;
import dev.keyrelay.sidecar.upstream.HostResolver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EgressGuardTest {

  private static final String DNS_THREAD = "test-dns";

  private final ExecutorService dns =
      Executors.newSingleThreadExecutor(r -> new Thread(r, DNS_THREAD));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() {
    dns.shutdownNow();
  }

  @Test
  void localhostIsDeniedAsLoopback() {
    EgressDecision d = check(guard(settings()), "localhost", 443);

    assertThat(d.allowed()).isFalse();
    assertThat(d.address()).isNull();
    assertThat(d.reason()).matches("(127\\.0\\.0\\.1|0:0:0:0:0:0:0:1) is loopback");
    assertThat(denied("loopback")).isEqualTo(1.0);
  }

  @Test
  void exceptionAllowsOnlyItsPort() {
    EgressGuard guard = guard(settings(List.of(new HostMatch("localhost", 8443)), none(), none()));

    EgressDecision on8443 = check(guard, "localhost", 8443);
    assertThat(on8443.allowed()).isTrue();
    assertThat(on8443.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(on8443.address().getPort()).isEqualTo(8443);
    assertThat(on8443.address().isUnresolved()).isFalse();

    assertThat(check(guard, "localhost", 9443).allowed()).isFalse();
  }

  @Test
  void blockListWinsOverEverything() {
    HostMatch entry = new HostMatch("8.8.8.8", null);
    EgressGuard guard = guard(settings(List.of(entry), List.of(entry), List.of(entry)));

    EgressDecision d = check(guard, "8.8.8.8", 53);

    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).isEqualTo("host is on the block list");
    assertThat(denied("blocklist")).isEqualTo(1.0);
  }

  @Test
  void domainPatternsMatchEverySubdomainButNotTheApex() {
    EgressGuard guard =
        new EgressGuard(
            settings(none(), List.of(new DomainMatch("example.com", 443)), none()),
            new HostResolver(
                dns,
                resolverOf(
                    Map.of(
                        "api.example.com", "93.184.215.14",
                        "a.b.example.com", "93.184.215.15",
                        "example.com", "93.184.215.16",
                        "badexample.com", "93.184.215.17"))),
            registry);

    assertThat(check(guard, "api.example.com", 443).allowed()).isTrue();
    assertThat(check(guard, "a.b.example.com", 443).allowed()).isTrue();
    assertThat(check(guard, "example.com", 443).allowed()).isFalse();
    assertThat(check(guard, "badexample.com", 443).allowed()).isFalse();
    assertThat(check(guard, "api.example.com", 80).allowed()).isFalse();
  }

  @Test
  void rangesJudgeEveryResolvedAddress() {
    EgressGuard guard =
        new EgressGuard(
            settings(
                List.of(AddressRange.parse("10.1.0.0/16")),
                List.of(AddressRange.parse("10.0.0.0/8"), new HostMatch("public.test", null)),
                List.of(AddressRange.parse("10.1.9.0/24"))),
            new HostResolver(
                dns,
                host ->
                    switch (host) {
                      case "svc.test" -> addresses("10.1.2.3");
                      case "blocked.test" -> addresses("10.1.9.9");
                      case "mixed.test" -> addresses("10.1.2.3", "10.2.0.1");
                      case "public.test" -> addresses("93.184.215.14");
                      case "outside.test" -> addresses("93.184.215.15");
                      default -> throw new UnknownHostException(host);
                    }),
            registry);

    assertThat(check(guard, "svc.test", 443).allowed())
        .as("in the allowed range, and in the exception range despite being private")
        .isTrue();
    assertThat(check(guard, "blocked.test", 443).reason()).contains("block list");
    EgressDecision mixed = check(guard, "mixed.test", 443);
    assertThat(mixed.allowed()).as("one address outside the exception range").isFalse();
    assertThat(mixed.reason()).contains("private");
    assertThat(check(guard, "public.test", 443).allowed()).isTrue();
    assertThat(check(guard, "outside.test", 443).reason())
        .isEqualTo("host is not on the allow list");
    assertThat(check(guard, "10.1.2.3", 443).allowed()).as("an IP literal in the range").isTrue();
  }

  @Test
  void allowListModeRefusesUnlistedHostsWithoutResolvingThem() {
    EgressGuard guard =
        new EgressGuard(
            settings(none(), List.of(new HostMatch("api.example.com", 443)), none()),
            new HostResolver(dns, resolverOf(Map.of("api.example.com", "93.184.215.14"))),
            registry);

    EgressDecision listed = check(guard, "api.example.com", 443);
    assertThat(listed.allowed()).isTrue();
    assertThat(listed.address()).isEqualTo(new InetSocketAddress("93.184.215.14", 443));

    EgressDecision otherPort = check(guard, "api.example.com", 80);
    assertThat(otherPort.allowed()).isFalse();
    assertThat(otherPort.reason()).isEqualTo("host is not on the allow list");
    assertThat(check(guard, "other.example.com", 443).allowed()).isFalse();
    assertThat(denied("allowlist")).isEqualTo(2.0);
  }

  @Test
  void unresolvableNameIsDenied() {
    EgressDecision d = check(guard(settings()), "no-such-host.invalid", 443);

    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).contains("cannot resolve");
    assertThat(denied("unresolved")).isEqualTo(1.0);
  }

  @Test
  void anyDeniedAddressAmongTheAnswersDeniesTheHost() {
    EgressGuard guard =
        new EgressGuard(
            settings(),
            new HostResolver(dns, host -> addresses("8.8.8.8", "169.254.169.254")),
            registry);

    EgressDecision d = check(guard, "rebind.example.com", 443);

    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).isEqualTo("169.254.169.254 is cloud metadata");
    assertThat(denied("cloud-metadata")).isEqualTo(1.0);
  }

  @Test
  void publicNameIsAllowedWithTheFirstCheckedAddress() {
    EgressGuard guard =
        new EgressGuard(
            settings(), new HostResolver(dns, host -> addresses("8.8.8.8", "8.8.4.4")), registry);

    EgressDecision d = check(guard, "dns.google", 853);

    assertThat(d.allowed()).isTrue();
    assertThat(d.address()).isEqualTo(new InetSocketAddress("8.8.8.8", 853));
  }

  @Test
  void ipLiteralsAreJudgedWithoutDns() {
    EgressGuard guard =
        new EgressGuard(
            settings(),
            new HostResolver(
                dns,
                host -> {
                  throw new AssertionError("resolved " + host);
                }),
            registry);

    assertThat(guard.check("2606:4700::1111", 443)).isCompletedWithValueMatching(d -> d.allowed());
    assertThat(guard.check("::ffff:10.0.0.1", 443))
        .isCompletedWithValueMatching(d -> d.reason().equals("10.0.0.1 is private (RFC 1918)"));
    assertThat(guard.check("fd00:ec2::254", 80))
        .isCompletedWithValueMatching(d -> !d.allowed() && d.reason().contains("cloud metadata"));
  }

  @Test
  void namesAreResolvedOnTheDnsExecutor() {
    String[] resolvedOn = new String[1];
    EgressGuard guard =
        new EgressGuard(
            settings(),
            new HostResolver(
                dns,
                host -> {
                  resolvedOn[0] = Thread.currentThread().getName();
                  return addresses("8.8.8.8");
                }),
            registry);

    check(guard, "dns.google", 443);

    assertThat(resolvedOn[0]).isEqualTo(DNS_THREAD);
  }

  private EgressGuard guard(EgressSettings settings) {
    return new EgressGuard(settings, new HostResolver(dns), registry);
  }

  private static EgressDecision check(EgressGuard guard, String host, int port) {
    return guard.check(host, port).orTimeout(10, TimeUnit.SECONDS).join();
  }

  private double denied(String kind) {
    return registry.get("keyrelay.egress.denied").tag("reason", kind).counter().count();
  }

  private static HostResolver.Lookup resolverOf(Map<String, String> hosts) {
    return host -> {
      String ip = hosts.get(host);
      if (ip == null) {
        throw new UnknownHostException(host);
      }
      return addresses(ip);
    };
  }

  private static InetAddress[] addresses(String... ips) throws UnknownHostException {
    InetAddress[] out = new InetAddress[ips.length];
    for (int i = 0; i < ips.length; i++) {
      out[i] = InetAddress.getByName(ips[i]);
    }
    return out;
  }

  private static EgressSettings settings() {
    return settings(none(), none(), none());
  }

  private static EgressSettings settings(
      List<EgressEntry> exceptions, List<EgressEntry> allowList, List<EgressEntry> blockList) {
    return new EgressSettings(exceptions, allowList, blockList);
  }

  private static List<EgressEntry> none() {
    return List.of();
  }
}

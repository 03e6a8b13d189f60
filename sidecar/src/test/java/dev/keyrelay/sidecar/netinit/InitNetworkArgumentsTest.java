package dev.keyrelay.sidecar.netinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitNetworkArgumentsTest {

  @Test
  void defaultsAndRepeatedAllowOptionsInEitherSpelling() {
    InitNetworkArguments parsed =
        InitNetworkArguments.parse(
            List.of(
                "--proxy-uid=65532",
                "--allow-cidr",
                "10.96.0.0/12",
                "--allow-cidr=10.244.0.0/16",
                "--allow-port",
                "5432",
                "--allow-port=6379"));

    assertThat(parsed.dryRun()).isFalse();
    assertThat(parsed.policy())
        .isEqualTo(
            new NetworkPolicy(
                65532,
                15443,
                15080,
                List.of(Cidr.parse("10.96.0.0/12"), Cidr.parse("10.244.0.0/16")),
                List.of(5432, 6379)));
  }

  @Test
  void portsAndDryRun() {
    InitNetworkArguments parsed =
        InitNetworkArguments.parse(
            List.of("--dry-run", "--proxy-uid", "7", "--https-port", "9443", "--http-port=9080"));

    assertThat(parsed.dryRun()).isTrue();
    assertThat(parsed.policy()).isEqualTo(new NetworkPolicy(7, 9443, 9080, List.of(), List.of()));
  }

  @Test
  void badArgumentsAreRefusedByName() {
    assertThatThrownBy(() -> InitNetworkArguments.parse(List.of()))
        .hasMessage("--proxy-uid UID is required");
    assertThatThrownBy(
            () -> InitNetworkArguments.parse(List.of("--proxy-uid", "1", "--proxy-uid", "2")))
        .hasMessage("--proxy-uid is given twice");
    assertThatThrownBy(() -> InitNetworkArguments.parse(List.of("--proxy-uid")))
        .hasMessage("--proxy-uid needs a value");
    assertThatThrownBy(
            () -> InitNetworkArguments.parse(List.of("--proxy-uid", "1", "--https-port", "0")))
        .hasMessage("--https-port: \"0\" is not valid; expected a port from 1 to 65535");
    assertThatThrownBy(
            () -> InitNetworkArguments.parse(List.of("--proxy-uid", "1", "--allow-cidr", "svc")))
        .hasMessage("--allow-cidr: \"svc\" is not an IPv4 or IPv6 address range");
    assertThatThrownBy(
            () -> InitNetworkArguments.parse(List.of("--proxy-uid", "1", "--config", "x")))
        .hasMessage("unknown argument \"--config\"");
  }

  @Test
  void dryRunPrintsBothRulesetsAndInstallsNothing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    InitNetworkArguments arguments =
        InitNetworkArguments.parse(List.of("--proxy-uid", "65532", "--dry-run"));

    int exit =
        NetworkInit.run(
            arguments,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exit).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "# iptables-restore\n"
                + IptablesRules.ipv4(arguments.policy())
                + "# ip6tables-restore\n"
                + IptablesRules.ipv6(arguments.policy()));
  }
}

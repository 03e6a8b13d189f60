package dev.keyrelay.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.sidecar.config.ConfigOverrides;
import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.netinit.InitNetworkArguments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SidecarCommandLineTest {

  @Test
  void configAloneRunsWithoutOverrides() throws Exception {
    assertThat(SidecarCommandLine.parse("--config", "/etc/keyrelay/config/routes.yaml"))
        .isEqualTo(
            new SidecarCommand.Run(
                Path.of("/etc/keyrelay/config/routes.yaml"), ConfigOverrides.NONE, false));
  }

  @Test
  void proxyPortAndExitWhenReadyInEitherSpelling() throws Exception {
    SidecarCommand.Run expected =
        new SidecarCommand.Run(Path.of("k.yaml"), new ConfigOverrides(OptionalInt.of(7000)), true);

    assertThat(
            SidecarCommandLine.parse("--exit-when-ready", "--proxy-port=7000", "--config=k.yaml"))
        .isEqualTo(expected);
    assertThat(
            SidecarCommandLine.parse(
                "--config", "k.yaml", "--proxy-port", "7000", "--exit-when-ready"))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "65536", "-1", "http", "6790.5", " 80"})
  void proxyPortOutsideOneTo65535IsRefusedWithTheValue(String port) {
    assertThatThrownBy(() -> SidecarCommandLine.parse("--config", "k.yaml", "--proxy-port", port))
        .isInstanceOf(SidecarCommandLine.UsageException.class)
        .hasMessage("--proxy-port: \"" + port + "\" is not valid; expected a port from 1 to 65535");
  }

  @Test
  void waitForFileDefaultsToTwoMinutes() throws Exception {
    assertThat(SidecarCommandLine.parse("--wait-for-file", "/var/run/keyrelay/ca-bundle.crt"))
        .isEqualTo(
            new SidecarCommand.WaitForFile(
                Path.of("/var/run/keyrelay/ca-bundle.crt"), Duration.ofSeconds(120)));
    assertThat(SidecarCommandLine.parse("--wait-for-file", "f", "--timeout-seconds", "5"))
        .isEqualTo(new SidecarCommand.WaitForFile(Path.of("f"), Duration.ofSeconds(5)));
  }

  @Test
  void doctorTakesTheConfigAndTheProxyPortOnly() throws Exception {
    assertThat(SidecarCommandLine.parse("doctor", "--config", "k.yaml", "--proxy-port=7000"))
        .isEqualTo(
            new SidecarCommand.Doctor(
                Path.of("k.yaml"), new ConfigOverrides(OptionalInt.of(7000))));
    assertThatThrownBy(() -> SidecarCommandLine.parse("doctor"))
        .hasMessage("doctor needs --config FILE");
    assertThatThrownBy(
            () -> SidecarCommandLine.parse("doctor", "--config", "k", "--exit-when-ready"))
        .hasMessage("doctor takes only --config and --proxy-port");
    assertThatThrownBy(() -> SidecarCommandLine.parse("--config", "k", "doctor"))
        .hasMessage("unknown argument \"doctor\"");
  }

  @Test
  void badCombinationsAndArgumentsAreRefusedByName() {
    assertThatThrownBy(() -> SidecarCommandLine.parse("--wait-for-file", "f", "--config", "k"))
        .hasMessage("--wait-for-file cannot be combined with --config");
    assertThatThrownBy(() -> SidecarCommandLine.parse("--config", "k", "--timeout-seconds", "5"))
        .hasMessage("--timeout-seconds needs --wait-for-file");
    assertThatThrownBy(
            () -> SidecarCommandLine.parse("--wait-for-file", "f", "--timeout-seconds", "0"))
        .hasMessage(
            "--timeout-seconds: \"0\" is not valid; expected a number of seconds from 1 to 86400");
    assertThatThrownBy(() -> SidecarCommandLine.parse("--proxy-port", "7000"))
        .hasMessage("--config FILE is required");
    assertThatThrownBy(() -> SidecarCommandLine.parse("--config"))
        .hasMessage("--config needs a value");
    assertThatThrownBy(() -> SidecarCommandLine.parse("--config", "a", "--config", "b"))
        .hasMessage("--config is given twice");
    assertThatThrownBy(() -> SidecarCommandLine.parse("--config", "a", "--exit-when-ready=yes"))
        .hasMessage("--exit-when-ready takes no value");
    assertThatThrownBy(() -> SidecarCommandLine.parse("--config", "a", "--proxy-listen", "x"))
        .hasMessage("unknown argument \"--proxy-listen\"");
  }

  @Test
  void helpWinsOverEverythingElse() throws Exception {
    assertThat(SidecarCommandLine.parse("--config", "k.yaml", "--help"))
        .isEqualTo(new SidecarCommand.Help());
  }

  @Test
  void initNetworkIsASubcommandWithItsOwnArguments() throws Exception {
    assertThat(SidecarCommandLine.parse("init-network", "--proxy-uid", "65532", "--dry-run"))
        .isEqualTo(
            new SidecarCommand.InitNetwork(
                InitNetworkArguments.parse(List.of("--proxy-uid", "65532", "--dry-run"))));
    assertThatThrownBy(() -> SidecarCommandLine.parse("init-network", "--allow-port", "80"))
        .isInstanceOf(SidecarCommandLine.UsageException.class)
        .hasMessage("init-network: --proxy-uid UID is required");
    assertThat(SidecarCommandLine.USAGE).contains("keyrelay-sidecar init-network --proxy-uid UID");
  }

  @Test
  void transparentFlagAsksForTheTransparentListeners() throws Exception {
    assertThat(SidecarCommandLine.parse("--config", "k.yaml", "--transparent"))
        .isEqualTo(
            new SidecarCommand.Run(
                Path.of("k.yaml"), new ConfigOverrides(OptionalInt.empty(), true), false));
    assertThatThrownBy(() -> SidecarCommandLine.parse("--config", "k.yaml", "--transparent=yes"))
        .hasMessage("--transparent takes no value");
  }

  @Test
  void theInjectorsCommandLineMakesTheConfigOptionalAndPlacesAdminAndCaKey() throws Exception {
    SidecarCommand.Run run =
        (SidecarCommand.Run)
            SidecarCommandLine.parse(
                "--config",
                "/etc/keyrelay/config/routes.yaml",
                "--config-optional",
                "--admin-listen",
                "0.0.0.0:9090",
                "--ca-key-file=/var/run/keyrelay-ca-key/ca.pem",
                "--ca-dir",
                "ca");

    assertThat(run.configOptional()).isTrue();
    assertThat(run.overrides())
        .isEqualTo(
            new ConfigOverrides(
                OptionalInt.empty(),
                false,
                new HostPort("0.0.0.0", 9090),
                Path.of("ca"),
                Path.of("/var/run/keyrelay-ca-key/ca.pem")));
    assertThat(SidecarCommandLine.parse("--config", "k.yaml"))
        .extracting(c -> ((SidecarCommand.Run) c).configOptional())
        .isEqualTo(false);
  }

  @Test
  void badOverridesAreRefusedByName() {
    assertThatThrownBy(() -> SidecarCommandLine.parse("--config", "k", "--admin-listen", "9090"))
        .hasMessage(
            "--admin-listen: \"9090\" has no port; use host:port such as 127.0.0.1:6790 or"
                + " [::1]:6790");
    assertThatThrownBy(() -> SidecarCommandLine.parse("--config", "k", "--config-optional=yes"))
        .hasMessage("--config-optional takes no value");
    assertThatThrownBy(() -> SidecarCommandLine.parse("doctor", "--config", "k", "--ca-dir", "c"))
        .hasMessage("doctor takes only --config and --proxy-port");
  }
}

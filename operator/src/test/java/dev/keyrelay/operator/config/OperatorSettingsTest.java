package dev.keyrelay.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void defaultsWatchEverythingWithLeaderElection() {
    OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of());

    assertThat(settings.watchNamespaces()).isEmpty();
    assertThat(settings.adminPort()).isEqualTo(8081);
    assertThat(settings.leaderElection()).isTrue();
    assertThat(settings.leaseNamespace()).isNull();
    assertThat(settings.leaseName()).isEqualTo("keyrelay-operator");
  }

  @Test
  void readsTheEnvironment() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                "KEYRELAY_WATCH_NAMESPACES", " agents, , ci ",
                "KEYRELAY_ADMIN_PORT", "9091",
                "KEYRELAY_LEADER_ELECTION", "FALSE",
                "KEYRELAY_LEASE_NAME", "team-keyrelay-operator",
                "POD_NAMESPACE", "keyrelay-system",
                "POD_NAME", "keyrelay-operator-7c9"));

    assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("agents", "ci");
    assertThat(settings.adminPort()).isEqualTo(9091);
    assertThat(settings.leaderElection()).isFalse();
    assertThat(settings.leaseNamespace()).isEqualTo("keyrelay-system");
    assertThat(settings.leaseName()).isEqualTo("team-keyrelay-operator");
    assertThat(settings.identity()).isEqualTo("keyrelay-operator-7c9");
  }

  @Test
  void namesTheVariableThatIsWrong() {
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("KEYRELAY_ADMIN_PORT", "http")))
        .hasMessage("KEYRELAY_ADMIN_PORT: 'http' is not a number");
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("KEYRELAY_ADMIN_PORT", "70000")))
        .hasMessage("KEYRELAY_ADMIN_PORT: 70000 is not a port");
  }
}

package dev.keyrelay.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.egress.EgressRules;
import dev.keyrelay.operator.inject.InjectionSettings;
import dev.keyrelay.operator.inject.NativeSidecarMode;
import dev.keyrelay.operator.webhook.WebhookSettings;
import java.time.Duration;
import java.util.List;
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
                "KEYRELAY_LEADER_ELECTION", " false ",
                "KEYRELAY_LEASE_NAME", "team-keyrelay-operator",
                "POD_NAMESPACE", "keyrelay-system",
                "POD_NAME", "keyrelay-operator-7c9",
                "KEYRELAY_SECRET_RECHECK_SECONDS", "5"));

    assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("agents", "ci");
    assertThat(settings.adminPort()).isEqualTo(9091);
    assertThat(settings.leaderElection()).isFalse();
    assertThat(settings.leaseNamespace()).isEqualTo("keyrelay-system");
    assertThat(settings.leaseName()).isEqualTo("team-keyrelay-operator");
    assertThat(settings.identity()).isEqualTo("keyrelay-operator-7c9");
    assertThat(settings.secretRecheck()).isEqualTo(Duration.ofSeconds(5));
    assertThat(OperatorSettings.fromEnvironment(Map.of()).secretRecheck())
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void namesTheVariableThatIsWrong() {
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("KEYRELAY_ADMIN_PORT", "http")))
        .hasMessage("KEYRELAY_ADMIN_PORT: \"http\" is not valid; expected a port number");
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("KEYRELAY_ADMIN_PORT", "70000")))
        .hasMessage("KEYRELAY_ADMIN_PORT: \"70000\" is not valid; expected a port from 0 to 65535");
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("KEYRELAY_LEADER_ELECTION", "FALSE")))
        .hasMessage(
            "KEYRELAY_LEADER_ELECTION: \"FALSE\" is not valid; expected \"true\" or \"false\"");
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of("KEYRELAY_SECRET_RECHECK_SECONDS", "0")))
        .hasMessage(
            "KEYRELAY_SECRET_RECHECK_SECONDS: \"0\" is not valid; expected at least 1 second");
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(Map.of("KEYRELAY_SECRET_RECHECK_SECONDS", "30s")))
        .hasMessage(
            "KEYRELAY_SECRET_RECHECK_SECONDS: \"30s\" is not valid; expected a number of seconds");
    assertThatThrownBy(
            () -> WebhookSettings.fromEnvironment(Map.of("KEYRELAY_WEBHOOK_ENABLED", "no"), "ns"))
        .hasMessage(
            "KEYRELAY_WEBHOOK_ENABLED: \"no\" is not valid; expected \"true\" or \"false\"");
  }

  @Test
  void readsTheClusterEgressDefault() {
    assertThat(OperatorSettings.fromEnvironment(Map.of()).egressDefault())
        .isEqualTo(EgressRules.OPEN);
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                "KEYRELAY_EGRESS_DEFAULT_MODE", "allowList",
                "KEYRELAY_EGRESS_DEFAULT_ALLOW", "*.openai.com, api.anthropic.com",
                "KEYRELAY_EGRESS_DEFAULT_BLOCK", "*.pastebin.com",
                "KEYRELAY_EGRESS_DEFAULT_EXCEPTIONS", " "));

    assertThat(settings.egressDefault())
        .isEqualTo(
            new EgressRules(
                EgressMode.ALLOW_LIST,
                List.of("*.openai.com", "api.anthropic.com"),
                List.of("*.pastebin.com"),
                List.of()));
  }

  @Test
  void refusesABadEgressDefaultNamingTheVariable() {
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(Map.of("KEYRELAY_EGRESS_DEFAULT_MODE", "closed")))
        .hasMessage(
            "KEYRELAY_EGRESS_DEFAULT_MODE: \"closed\" is not valid; expected open or allowList");
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("KEYRELAY_EGRESS_DEFAULT_MODE", "allowList")))
        .hasMessage("KEYRELAY_EGRESS_DEFAULT_ALLOW: mode allowList needs at least one allow entry");
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("KEYRELAY_EGRESS_DEFAULT_BLOCK", "ok.example.com,10.0.0.1/8")))
        .hasMessage(
            "KEYRELAY_EGRESS_DEFAULT_BLOCK[1]: \"10.0.0.1/8\" has address bits set after the /8"
                + " prefix");
  }

  /** The webhook and the injection defaults read KEYRELAY_NATIVE_SIDECAR with the same rule. */
  @Test
  void nativeSidecarModeIsOneDecision() {
    assertThat(NativeSidecarMode.fromEnvironment(Map.of())).isEqualTo(NativeSidecarMode.AUTO);
    assertThat(NativeSidecarMode.fromEnvironment(Map.of("KEYRELAY_NATIVE_SIDECAR", " false ")))
        .isEqualTo(NativeSidecarMode.OFF);
    Map<String, String> off = Map.of("KEYRELAY_NATIVE_SIDECAR", "false");
    assertThat(InjectionSettings.fromEnvironment(off).nativeSidecar()).isFalse();
    assertThat(WebhookSettings.fromEnvironment(off, "ns").nativeSidecarAuto()).isFalse();
    Map<String, String> wrong = Map.of("KEYRELAY_NATIVE_SIDECAR", "Auto");
    assertThatThrownBy(() -> InjectionSettings.fromEnvironment(wrong))
        .hasMessage("KEYRELAY_NATIVE_SIDECAR: \"Auto\" is not valid; expected auto, true or false");
    assertThatThrownBy(() -> WebhookSettings.fromEnvironment(wrong, "ns"))
        .hasMessage("KEYRELAY_NATIVE_SIDECAR: \"Auto\" is not valid; expected auto, true or false");
  }
}

package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What helm prints after an install follows the values that change how a pod opts in. */
class ChartNotesTest {

  @Test
  void notesSayHowToCheckTheOperatorAndOptAPodIn() {
    String notes = HelmChart.installNotes(Map.of());
    assertThat(notes)
        .contains("kubectl -n keyrelay-system rollout status deployment/keyrelay-operator")
        .contains("annotation keyrelay.dev/inject: \"true\"")
        .contains("admission policy\n   keyrelay-require-sidecar")
        .doesNotContain("the label keyrelay.dev/inject")
        .contains("need vault.address");
  }

  @Test
  void notesFollowTheLabelModeCertManagerAndVault() {
    String notes =
        HelmChart.installNotes(
            Map.of(
                "webhook.admissionPolicy.enabled", "false",
                "webhook.certManager.enabled", "true",
                "vault.address", "https://vault.vault.svc:8200"));
    assertThat(notes)
        .contains("AND the label keyrelay.dev/inject: \"true\"")
        .contains("Secret keyrelay-webhook-tls exists")
        .doesNotContain("admission policy")
        .doesNotContain("need vault.address");
  }
}

package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** helm lint, and the chart's metadata. */
class ChartLintTest {

  @Test
  void lintFindsNoWarningOrError() {
    LintResult result = HelmChart.lint();
    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .as("lint messages")
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void chartIsVersionedWithTheAppAndNeedsKubernetes130() throws Exception {
    JsonNode chart =
        new YAMLMapper().readTree(Files.readString(HelmChart.SOURCE.resolve("Chart.yaml")));
    assertThat(chart.path("apiVersion").asText()).isEqualTo("v2");
    assertThat(chart.path("version").asText()).isEqualTo("0.1.0");
    assertThat(chart.path("appVersion").asText()).isEqualTo("0.1.0");
    assertThat(chart.path("kubeVersion").asText()).isEqualTo(HelmChart.KUBE_VERSION);
  }

  @Test
  void helmRefusesAClusterOlderThanKubernetes130() {
    // helm-java's built-in capabilities are Kubernetes v1.20.0
    assertThatThrownBy(HelmChart::templateUnmodified)
        .hasMessageContaining(
            "chart requires kubeVersion: >=1.30.0-0 which is incompatible with Kubernetes v1.20");
  }
}

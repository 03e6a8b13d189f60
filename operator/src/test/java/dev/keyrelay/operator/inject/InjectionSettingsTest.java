package dev.keyrelay.operator.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InjectionSettingsTest {

  @Test
  void javaToolOptionsAndScrapeAnnotationsAreOffByDefault() {
    InjectionSettings settings = InjectionSettings.fromEnvironment(Map.of());

    assertThat(settings.javaToolOptions()).isFalse();
    assertThat(settings.prometheusAnnotations()).isFalse();
  }

  @Test
  void theEnvironmentTurnsThemOn() {
    InjectionSettings settings =
        InjectionSettings.fromEnvironment(
            Map.of(
                "KEYRELAY_JAVA_TOOL_OPTIONS", "true", "KEYRELAY_PROMETHEUS_ANNOTATIONS", "true"));

    assertThat(settings.javaToolOptions()).isTrue();
    assertThat(settings.prometheusAnnotations()).isTrue();
    assertThat(settings.withNativeSidecar(false).javaToolOptions()).isTrue();
    assertThat(settings.withNativeSidecar(false).prometheusAnnotations()).isTrue();
  }

  @Test
  void aBadValueNamesTheVariable() {
    assertThatThrownBy(
            () -> InjectionSettings.fromEnvironment(Map.of("KEYRELAY_PROMETHEUS_ANNOTATIONS", "1")))
        .hasMessage(
            "KEYRELAY_PROMETHEUS_ANNOTATIONS: \"1\" is not valid; expected \"true\" or \"false\"");
  }

  @Test
  void theSidecarPullPolicyIsKubernetesDefaultUnlessSetAndRefusedWhenMisspelled() {
    assertThat(InjectionSettings.fromEnvironment(Map.of()).sidecarPullPolicy()).isNull();
    InjectionSettings always =
        InjectionSettings.fromEnvironment(Map.of("KEYRELAY_SIDECAR_IMAGE_PULL_POLICY", "Always"));
    assertThat(always.sidecarPullPolicy()).isEqualTo("Always");
    assertThat(always.withNativeSidecar(false).sidecarPullPolicy()).isEqualTo("Always");
    assertThatThrownBy(
            () ->
                InjectionSettings.fromEnvironment(
                    Map.of("KEYRELAY_SIDECAR_IMAGE_PULL_POLICY", "always")))
        .hasMessage(
            "KEYRELAY_SIDECAR_IMAGE_PULL_POLICY: \"always\" is not valid; expected one of Always,"
                + " IfNotPresent, Never");
  }
}

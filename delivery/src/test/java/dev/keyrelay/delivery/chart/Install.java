package dev.keyrelay.delivery.chart;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The installs the chart tests render: the defaults, each helm/ profile, and the main switches. */
enum Install {
  DEFAULTS(null, Map.of()),
  DEV("values-dev.yaml", Map.of()),
  VAULT("values-vault.yaml", Map.of()),
  CERT_MANAGER("values-cert-manager.yaml", Map.of()),
  PROMETHEUS_OPERATOR("values-prometheus-operator.yaml", Map.of()),
  WATCHED_NAMESPACES(
      null,
      Map.of("operator.watchNamespaces[0]", "team-a", "operator.watchNamespaces[1]", "team-b")),
  WITHOUT_ADMISSION_POLICY(null, Map.of("webhook.admissionPolicy.enabled", "false"));

  private static final Map<Install, Manifests> RENDERED = new EnumMap<>(Install.class);

  private final String profile;
  private final Map<String, String> settings;

  Install(String profile, Map<String, String> settings) {
    this.profile = profile;
    this.settings = settings;
  }

  /** The helm/ values file, or null. */
  Path profile() {
    return profile == null ? null : HelmChart.PROFILES.resolve(profile);
  }

  /** Rendered once per test run into the release namespace, then shared. */
  Manifests manifests() {
    synchronized (RENDERED) {
      return RENDERED.computeIfAbsent(this, i -> render(i, HelmChart.NAMESPACE, Map.of()));
    }
  }

  /** Rendered into another namespace. */
  Manifests manifestsIn(String namespace) {
    return render(this, namespace, Map.of());
  }

  /** Rendered with more {@code --set} values on top. */
  Manifests manifestsWith(Map<String, String> more) {
    return render(this, HelmChart.NAMESPACE, more);
  }

  private static Manifests render(Install install, String namespace, Map<String, String> more) {
    Map<String, String> settings = new LinkedHashMap<>(install.settings);
    settings.putAll(more);
    String yaml = HelmChart.template(namespace, install.profile(), settings);
    return new Manifests(StrictKubernetesYaml.parseAll(yaml, "helm template (" + install + ")"));
  }
}

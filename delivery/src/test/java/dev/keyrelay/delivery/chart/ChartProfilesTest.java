package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.operator.config.OperatorSettings;
import dev.keyrelay.operator.inject.InjectionSettings;
import dev.keyrelay.operator.webhook.WebhookSettings;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Each install profile under helm/ renders what its comment promises. */
class ChartProfilesTest {

  @Test
  void everyProfileUnderHelmIsRenderedByTheseTests() throws Exception {
    List<String> tested =
        Arrays.stream(Install.values())
            .map(Install::profile)
            .filter(Objects::nonNull)
            .map(p -> p.getFileName().toString())
            .sorted()
            .toList();
    try (Stream<Path> files = Files.list(HelmChart.PROFILES)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(tested);
    }
  }

  @Test
  void devRunsOneReplicaWithoutLeaderElectionOrBudgetAndLogsAtDebug() {
    Manifests dev = Install.DEV.manifests();
    assertThat(dev.one(Deployment.class).getSpec().getReplicas()).isEqualTo(1);
    assertThat(dev.all(PodDisruptionBudget.class))
        .as("a budget on one replica blocks drains")
        .isEmpty();
    assertThat(OperatorSettings.fromEnvironment(dev.operatorEnvironment()).leaderElection())
        .isFalse();
    assertThat(InjectionSettings.fromEnvironment(dev.operatorEnvironment()).logLevel())
        .isEqualTo("DEBUG");
    assertThat(dev.operatorEnvironment()).containsEntry("KEYRELAY_LOG_LEVEL", "DEBUG");
    assertThat(dev.named(Role.class, "keyrelay-operator").getRules())
        .as("no Lease permissions without leader election")
        .noneMatch(rule -> rule.getResources().contains("leases"));
  }

  @Test
  void vaultTellsTheOperatorWhereSidecarsLogIn() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(Install.VAULT.manifests().operatorEnvironment());
    assertThat(settings.vault()).isNotNull();
    assertThat(settings.vault().address()).isEqualTo("https://vault.vault.svc:8200");
    assertThat(settings.vault().role()).isEqualTo("keyrelay-agent");
    assertThat(Install.DEFAULTS.manifests().operatorEnvironment())
        .doesNotContainKeys("KEYRELAY_VAULT_ADDRESS", "KEYRELAY_VAULT_ROLE");
  }

  @Test
  void certManagerIssuesTheWebhookCertificateTheOperatorReads() {
    Manifests manifests = Install.CERT_MANAGER.manifests();
    WebhookSettings webhook =
        WebhookSettings.fromEnvironment(manifests.operatorEnvironment(), HelmChart.NAMESPACE);
    assertThat(webhook.certDir()).isNotNull();

    Certificate serving = manifests.named(Certificate.class, webhook.service());
    assertThat(serving.getSpec().getDnsNames())
        .containsExactly(
            webhook.service() + "." + HelmChart.NAMESPACE + ".svc",
            webhook.service() + "." + HelmChart.NAMESPACE + ".svc.cluster.local");
    assertThat(serving.getSpec().getPrivateKey().getEncoding()).isEqualTo("PKCS8");
    // the chart's own CA: self-signed root -> CA certificate -> CA issuer -> serving certificate
    Issuer ca = manifests.named(Issuer.class, serving.getSpec().getIssuerRef().getName());
    Certificate caCertificate = manifests.named(Certificate.class, "keyrelay-webhook-ca");
    assertThat(caCertificate.getSpec().getIsCA()).isTrue();
    assertThat(ca.getSpec().getCa().getSecretName())
        .isEqualTo(caCertificate.getSpec().getSecretName());
    assertThat(manifests.named(Issuer.class, caCertificate.getSpec().getIssuerRef().getName()))
        .satisfies(root -> assertThat(root.getSpec().getSelfSigned()).isNotNull());

    // the operator reads the Certificate's Secret from the directory it is told about
    var pod = manifests.one(Deployment.class).getSpec().getTemplate().getSpec();
    VolumeMount mount =
        manifests.operatorContainer().getVolumeMounts().stream()
            .filter(m -> m.getMountPath().equals(webhook.certDir().toString()))
            .findFirst()
            .orElseThrow();
    assertThat(mount.getReadOnly()).isTrue();
    Volume volume =
        pod.getVolumes().stream()
            .filter(v -> v.getName().equals(mount.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getSecret().getSecretName()).isEqualTo(serving.getSpec().getSecretName());

    MutatingWebhookConfiguration configuration = manifests.one(MutatingWebhookConfiguration.class);
    assertThat(configuration.getMetadata().getAnnotations())
        .containsEntry(
            "cert-manager.io/inject-ca-from",
            HelmChart.NAMESPACE + "/" + serving.getMetadata().getName());
  }

  @Test
  void withCertManagerTheOperatorWritesNoSecretAndNoWebhookConfiguration() {
    Manifests manifests = Install.CERT_MANAGER.manifests();
    List<PolicyRule> rules =
        Stream.concat(
                manifests.all(Role.class).stream().flatMap(r -> r.getRules().stream()),
                manifests.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()))
            .toList();
    assertThat(rules)
        .noneMatch(r -> r.getResources().contains("mutatingwebhookconfigurations"))
        .noneMatch(
            r ->
                r.getResources().contains("secrets")
                    && r.getVerbs().stream()
                        .anyMatch(v -> !List.of("get", "list", "watch").contains(v)));
  }

  @Test
  void existingIssuerReplacesTheChartsOwnCa() {
    Manifests manifests =
        Install.CERT_MANAGER.manifestsWith(
            Map.of(
                "webhook.certManager.issuerRef.name", "corp-ca",
                "webhook.certManager.issuerRef.kind", "ClusterIssuer"));
    assertThat(manifests.all(Issuer.class)).isEmpty();
    Certificate serving = manifests.one(Certificate.class);
    assertThat(serving.getSpec().getIssuerRef().getName()).isEqualTo("corp-ca");
    assertThat(serving.getSpec().getIssuerRef().getKind()).isEqualTo("ClusterIssuer");
  }

  @Test
  void prometheusOperatorScrapesTheOperatorServiceAndEverySidecar() throws Exception {
    Manifests manifests = Install.PROMETHEUS_OPERATOR.manifests();
    ServiceMonitor operator = manifests.one(ServiceMonitor.class);
    Service service = manifests.one(Service.class);
    assertThat(service.getMetadata().getLabels())
        .containsAllEntriesOf(operator.getSpec().getSelector().getMatchLabels());
    String port = operator.getSpec().getEndpoints().get(0).getPort();
    assertThat(service.getSpec().getPorts()).anyMatch(p -> p.getName().equals(port));
    assertThat(operator.getSpec().getEndpoints().get(0).getPath()).isEqualTo("/metrics");
    assertThat(operator.getMetadata().getLabels())
        .containsEntry("release", "kube-prometheus-stack");

    PodMonitor sidecars = manifests.one(PodMonitor.class);
    assertThat(sidecars.getSpec().getNamespaceSelector().getAny()).isTrue();
    assertThat(sidecars.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Map.of("keyrelay.dev/injected", "true"));
    assertThat(sidecars.getMetadata().getLabels())
        .containsEntry("release", "kube-prometheus-stack");
    // the port the injector gives the sidecar (the operator's golden injected pod)
    String sidecarPort = sidecars.getSpec().getPodMetricsEndpoints().get(0).getPort();
    Pod injected = GoldenPods.pod("agent-pod.expected.yaml");
    List<ContainerPort> ports =
        injected.getSpec().getInitContainers().stream()
            .filter(c -> c.getName().equals("keyrelay-sidecar"))
            .findFirst()
            .orElseThrow()
            .getPorts();
    assertThat(ports)
        .anyMatch(p -> p.getName().equals(sidecarPort) && p.getContainerPort() == 9090);
  }

  @Test
  void withoutPrometheusOperatorThereAreNoMonitors() {
    assertThat(Install.DEFAULTS.manifests().all(ServiceMonitor.class)).isEmpty();
    assertThat(Install.DEFAULTS.manifests().all(PodMonitor.class)).isEmpty();
  }

  @Test
  void podMonitorFollowsTheWatchedNamespaces() {
    PodMonitor sidecars =
        Install.WATCHED_NAMESPACES
            .manifestsWith(Map.of("metrics.podMonitor.enabled", "true"))
            .one(PodMonitor.class);
    assertThat(sidecars.getSpec().getNamespaceSelector().getMatchNames())
        .containsExactly("team-a", "team-b");
  }
}

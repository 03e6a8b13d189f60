package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.config.OperatorSettings;
import dev.keyrelay.operator.egress.EgressRules;
import dev.keyrelay.operator.inject.EgressEnforcement;
import dev.keyrelay.operator.inject.InjectionSettings;
import dev.keyrelay.operator.inject.SidecarResources;
import dev.keyrelay.operator.webhook.WebhookServer;
import dev.keyrelay.operator.webhook.WebhookSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What a plain {@code helm install keyrelay charts/keyrelay -n keyrelay-system} creates. */
class ChartDefaultsTest {

  private final Manifests manifests = Install.DEFAULTS.manifests();

  @Test
  void rendersExactlyTheOperatorItsWebhookAndTheirPermissions() {
    assertThat(manifests.ids())
        .containsExactlyInAnyOrder(
            "ServiceAccount keyrelay-system/keyrelay-operator",
            "Deployment keyrelay-system/keyrelay-operator",
            "PodDisruptionBudget keyrelay-system/keyrelay-operator",
            "Service keyrelay-system/keyrelay-webhook",
            "Role keyrelay-system/keyrelay-operator",
            "RoleBinding keyrelay-system/keyrelay-operator",
            "ClusterRole keyrelay-routes",
            "ClusterRoleBinding keyrelay-routes",
            "ClusterRole keyrelay-webhook",
            "ClusterRoleBinding keyrelay-webhook",
            "MutatingWebhookConfiguration keyrelay-injector",
            "ValidatingAdmissionPolicy keyrelay-require-sidecar",
            "ValidatingAdmissionPolicyBinding keyrelay-require-sidecar",
            "ValidatingAdmissionPolicy keyrelay-routes-guard",
            "ValidatingAdmissionPolicyBinding keyrelay-routes-guard");
  }

  @Test
  void theOperatorAcceptsItsEnvironmentAndFindsTheChartsObjectsThroughIt() {
    Map<String, String> env = manifests.operatorEnvironment();
    OperatorSettings operator = OperatorSettings.fromEnvironment(env);
    assertThat(operator.watchNamespaces()).isEmpty();
    assertThat(operator.leaderElection()).isTrue();
    assertThat(operator.vault()).isNull();
    assertThat(operator.egressDefault()).isEqualTo(EgressRules.OPEN);

    WebhookSettings webhook = WebhookSettings.fromEnvironment(env, HelmChart.NAMESPACE);
    assertThat(webhook.enabled()).isTrue();
    assertThat(webhook.certDir()).as("self-managed certificate").isNull();
    assertThat(webhook.nativeSidecarAuto()).isTrue();
    Service service = manifests.named(Service.class, webhook.service());
    MutatingWebhookConfiguration configuration =
        manifests.named(MutatingWebhookConfiguration.class, webhook.configuration());
    MutatingWebhook hook = configuration.getWebhooks().get(0);
    assertThat(hook.getClientConfig().getService().getName()).isEqualTo(webhook.service());
    assertThat(hook.getClientConfig().getService().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
    assertThat(hook.getClientConfig().getService().getPath()).isEqualTo(WebhookServer.PATH);
    assertThat(hook.getClientConfig().getCaBundle()).as("set by the operator").isNull();

    // the Service's 443 reaches the port the operator serves the webhook on
    ServicePort https = port(service, hook.getClientConfig().getService().getPort());
    ContainerPort target = containerPort(https.getTargetPort().getStrVal());
    assertThat(target.getContainerPort()).isEqualTo(webhook.port());
    ServicePort metrics = port(service, operator.adminPort());
    assertThat(containerPort(metrics.getTargetPort().getStrVal()).getContainerPort())
        .isEqualTo(operator.adminPort());

    // the operator may write the certificate Secret it was told to use, and nothing else
    Role role = manifests.named(Role.class, "keyrelay-operator");
    assertThat(role.getRules())
        .anySatisfy(
            rule -> {
              assertThat(rule.getResources()).containsExactly("secrets");
              assertThat(rule.getResourceNames()).containsExactly(webhook.secret());
              assertThat(rule.getVerbs()).contains("update");
            });
  }

  @Test
  void theOperatorMayRenewTheLeaseItIsConfiguredToUse() {
    Manifests manifests = Install.DEFAULTS.manifests();
    String lease = OperatorSettings.fromEnvironment(manifests.operatorEnvironment()).leaseName();
    assertThat(manifests.named(Role.class, "keyrelay-operator").getRules())
        .anySatisfy(
            rule -> {
              assertThat(rule.getResources()).containsExactly("leases");
              assertThat(rule.getResourceNames()).containsExactly(lease);
              // fabric8's leader elector renews with a JSON merge patch (ChartRbacIT)
              assertThat(rule.getVerbs()).contains("get", "update", "patch");
            });
  }

  @Test
  void injectedSidecarsGetTheOperatorsOwnDefaults() {
    InjectionSettings injection =
        InjectionSettings.fromEnvironment(manifests.operatorEnvironment());
    assertThat(injection.sidecarImage()).isEqualTo(InjectionSettings.DEFAULT_IMAGE);
    assertThat(injection.sidecarPullPolicy()).isEqualTo("IfNotPresent");
    assertThat(injection.resources()).isEqualTo(SidecarResources.DEFAULTS);
    assertThat(injection.logLevel()).isEqualTo("INFO");
    assertThat(injection.nativeSidecar()).isTrue();
    assertThat(manifests.operatorEnvironment())
        .containsEntry("KEYRELAY_JAVA_TOOL_OPTIONS", "false")
        .containsEntry("KEYRELAY_PROMETHEUS_ANNOTATIONS", "false");
    assertThat(injection.egress()).isEqualTo(EgressEnforcement.OFF);
  }

  @Test
  void enforcedEgressValuesReachTheInjector() {
    Manifests enforced =
        Install.DEFAULTS.manifestsWith(
            Map.of(
                "sidecar.enforceEgress.enabled", "true",
                "sidecar.enforceEgress.allowCidrs[0]", "10.96.0.0/12",
                "sidecar.enforceEgress.allowCidrs[1]", "10.244.0.0/16",
                "sidecar.enforceEgress.allowPorts[0]", "5432",
                "sidecar.enforceEgress.initImage.repository", "registry.example/keyrelay-init",
                "sidecar.enforceEgress.initImage.tag", "9.9.9"));

    assertThat(InjectionSettings.fromEnvironment(enforced.operatorEnvironment()).egress())
        .isEqualTo(
            new EgressEnforcement(
                true,
                List.of("10.96.0.0/12", "10.244.0.0/16"),
                List.of(5432),
                "registry.example/keyrelay-init:9.9.9"));
  }

  @Test
  void theEgressDefaultReachesTheOperator() {
    Manifests withDefault =
        Install.DEFAULTS.manifestsWith(
            Map.of(
                "egress.default.mode", "allowList",
                "egress.default.allow[0]", "*.github.com",
                "egress.default.allow[1]", "pypi.org",
                "egress.default.block[0]", "gist.github.com",
                "egress.default.exceptions[0]", "10.96.0.0/12"));

    assertThat(OperatorSettings.fromEnvironment(withDefault.operatorEnvironment()).egressDefault())
        .isEqualTo(
            new EgressRules(
                EgressMode.ALLOW_LIST,
                List.of("*.github.com", "pypi.org"),
                List.of("gist.github.com"),
                List.of("10.96.0.0/12")));
  }

  @Test
  void podIdentityComesFromTheDownwardApi() {
    Map<String, String> fieldPaths =
        manifests.operatorContainer().getEnv().stream()
            .filter(v -> v.getValueFrom() != null)
            .collect(
                Collectors.toMap(
                    EnvVar::getName, v -> v.getValueFrom().getFieldRef().getFieldPath()));
    assertThat(fieldPaths)
        .isEqualTo(Map.of("POD_NAMESPACE", "metadata.namespace", "POD_NAME", "metadata.name"));
  }

  /**
   * The image is distroless: the hook must be a sleep action, and the grace cover it and a drain.
   */
  @Test
  void aStoppingReplicaKeepsServingThroughAPreStopSleepWithinItsGracePeriod() {
    PodSpec pod = manifests.one(Deployment.class).getSpec().getTemplate().getSpec();
    Lifecycle lifecycle = manifests.operatorContainer().getLifecycle();
    assertThat(lifecycle.getPreStop().getExec()).isNull();
    assertThat(lifecycle.getPreStop().getSleep().getSeconds()).isEqualTo(10L);
    assertThat(pod.getTerminationGracePeriodSeconds())
        .isGreaterThanOrEqualTo(10L + WebhookServer.DRAIN_TIMEOUT.toSeconds());
  }

  @Test
  void aGracePeriodNotLongerThanThePreStopSleepIsRefused() {
    assertThatThrownBy(
            () ->
                Install.DEFAULTS.manifestsWith(
                    Map.of("operator.terminationGracePeriodSeconds", "10")))
        .hasMessageContaining(
            "operator.terminationGracePeriodSeconds must be longer than"
                + " operator.preStopSleepSeconds");
  }

  @Test
  void twoReplicasSpreadOverNodesAndOneAlwaysStays() {
    Deployment deployment = manifests.one(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

    List<WeightedPodAffinityTerm> spread =
        deployment
            .getSpec()
            .getTemplate()
            .getSpec()
            .getAffinity()
            .getPodAntiAffinity()
            .getPreferredDuringSchedulingIgnoredDuringExecution();
    assertThat(spread).hasSize(1);
    assertThat(spread.get(0).getPodAffinityTerm().getTopologyKey())
        .isEqualTo("kubernetes.io/hostname");
    assertThat(podLabels)
        .containsAllEntriesOf(
            spread.get(0).getPodAffinityTerm().getLabelSelector().getMatchLabels());

    PodDisruptionBudget budget = manifests.one(PodDisruptionBudget.class);
    assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(podLabels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
    Service service = manifests.one(Service.class);
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
  }

  @Test
  void probesUseTheAdminEndpoints() {
    Container operator = manifests.operatorContainer();
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    for (var probe :
        List.of(
            operator.getLivenessProbe(),
            operator.getReadinessProbe(),
            operator.getStartupProbe())) {
      assertThat(containerPort(probe.getHttpGet().getPort().getStrVal()).getContainerPort())
          .isEqualTo(8081);
    }
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void theJvmWritesOnlyToAnEmptyDirAtTmp() {
    PodSpec pod = manifests.one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(manifests.operatorContainer().getSecurityContext().getReadOnlyRootFilesystem())
        .isTrue();
    assertThat(manifests.operatorContainer().getVolumeMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes())
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
  }

  @Test
  void neverInjectsKubeSystemOrTheReleaseNamespace() {
    Manifests elsewhere = Install.DEFAULTS.manifestsIn("platform-security");
    MutatingWebhook hook = elsewhere.one(MutatingWebhookConfiguration.class).getWebhooks().get(0);
    List<LabelSelectorRequirement> expressions = hook.getNamespaceSelector().getMatchExpressions();
    assertThat(expressions).hasSize(1);
    assertThat(expressions.get(0).getKey()).isEqualTo("kubernetes.io/metadata.name");
    assertThat(expressions.get(0).getOperator()).isEqualTo("NotIn");
    assertThat(expressions.get(0).getValues()).containsExactly("kube-system", "platform-security");
    assertThat(hook.getClientConfig().getService().getNamespace()).isEqualTo("platform-security");
  }

  @Test
  void theWebhookMutatesPodCreationOnly() {
    MutatingWebhook hook = manifests.one(MutatingWebhookConfiguration.class).getWebhooks().get(0);
    assertThat(hook.getRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getOperations()).containsExactly("CREATE");
              assertThat(rule.getResources()).containsExactly("pods");
              assertThat(rule.getApiGroups()).containsExactly("");
            });
    assertThat(hook.getSideEffects()).isEqualTo("NoneOnDryRun");
    assertThat(hook.getReinvocationPolicy()).isEqualTo("IfNeeded");
    assertThat(hook.getTimeoutSeconds()).isEqualTo(5);
  }

  private ServicePort port(Service service, int port) {
    return service.getSpec().getPorts().stream()
        .filter(p -> p.getPort() == port)
        .findFirst()
        .orElseThrow(() -> new AssertionError("Service has no port " + port));
  }

  private ContainerPort containerPort(String name) {
    return manifests.operatorContainer().getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("operator container has no port named " + name));
  }
}

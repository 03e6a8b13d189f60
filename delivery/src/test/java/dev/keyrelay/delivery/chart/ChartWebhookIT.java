package dev.keyrelay.delivery.chart;

import static dev.keyrelay.delivery.chart.AgentPods.INJECT;
import static dev.keyrelay.delivery.chart.AgentPods.pod;
import static dev.keyrelay.delivery.chart.AgentPods.restricted;
import static dev.keyrelay.delivery.chart.AgentPods.sidecar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.apiserver.AuditLog;
import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.KubeApiServerExtension;
import dev.keyrelay.operator.apiserver.OperatorProcess;
import dev.keyrelay.operator.apiserver.TestNamespace;
import dev.keyrelay.operator.webhook.CertificateIssuer;
import dev.keyrelay.operator.webhook.ServingCertificate;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's admission objects on a real API server, which calls the operator's webhook itself:
 * the MutatingWebhookConfiguration, Service and both ValidatingAdmissionPolicies exactly as the
 * chart renders them, and the operator jar running as the chart's ServiceAccount with its
 * self-managed certificate, set up by {@link WebhookRelease}. The API server reaches the Service
 * {@code keyrelay-webhook} through a kube-proxy stand-in; it verifies the operator's certificate
 * for {@code keyrelay-webhook.NS.svc} against the caBundle the operator wrote, so the
 * AdmissionReview round trip and its TLS are the real ones.
 */
@ExtendWith(KubeApiServerExtension.class)
class ChartWebhookIT {

  private static KubeApiServer server;
  private static KubernetesClient admin;
  private static WebhookRelease webhook;
  private static ChartRelease release;
  private static OperatorProcess operator;
  private static Service service;
  private static int webhookPort;

  @BeforeAll
  static void installTheChartAndStartTheOperator(
      KubeApiServer apiServer, TestNamespace releaseNamespace, @TempDir Path logs)
      throws Exception {
    server = apiServer;
    admin = server.admin();
    webhook = WebhookRelease.start(server, releaseNamespace, logs);
    release = webhook.release();
    operator = webhook.operator();
    service = webhook.service();
    webhookPort = webhook.webhookPort();
  }

  @AfterAll
  static void removeTheClusterWideObjects() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
  }

  @Test
  void anOptedInPodIsStoredWithTheSidecarAndItsRoutesVolumes(TestNamespace ns) throws Exception {
    webhook.publishRoute(ns.name());

    Pod stored = admin.resource(pod(ns.name(), "agent", Map.of(INJECT, "true"))).create();

    assertThat(sidecar(stored)).as("the sidecar, added by the webhook").isNotNull();
    assertThat(stored.getSpec().getVolumes())
        .extracting(Volume::getName)
        .contains("keyrelay-config", "keyrelay-secret-anthropic-key");
    assertThat(stored.getMetadata().getLabels()).containsEntry("keyrelay.dev/injected", "true");
    assertThat(stored.getMetadata().getAnnotations().get("keyrelay.dev/injected"))
        .contains("anthropic");
    assertThat(stored.getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("HTTPS_PROXY"));
    // a pod with only generateName has no name at admission: its event names the prefix, and the
    // API server accepts it (core/v1 Event names are not held to DNS rules)
    Pod generated =
        admin
            .resource(
                new PodBuilder(pod(ns.name(), null, Map.of(INJECT, "true")))
                    .editMetadata()
                    .withGenerateName("agent-")
                    .endMetadata()
                    .build())
            .create();
    assertThat(sidecar(generated)).isNotNull();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(events(ns.name()))
                    .filteredOn(e -> e.getReason().equals("Injected"))
                    .extracting(e -> e.getRegarding().getName())
                    .contains("agent", "agent-"));
  }

  @Test
  void aPodThatDidNotOptInIsStoredAsItWasSent(TestNamespace ns) throws Exception {
    webhook.publishRoute(ns.name());
    double notOptedIn = admissions("not_opted_in");
    double total = allAdmissions();

    Pod plain = pod(ns.name(), "plain", Map.of());
    Pod optedOut = pod(ns.name(), "opted-out", Map.of(INJECT, "false"));
    for (Pod sent : List.of(plain, optedOut)) {
      Pod stored = admin.resource(sent).create();
      assertThat(stored.getMetadata().getAnnotations())
          .isEqualTo(sent.getMetadata().getAnnotations());
      assertThat(stored.getMetadata().getLabels()).isEqualTo(sent.getMetadata().getLabels());
      assertThat(stored.getSpec().getInitContainers()).isEmpty();
      assertThat(stored.getSpec().getContainers())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getName()).isEqualTo("agent");
                assertThat(c.getEnv()).isEmpty();
                assertThat(c.getVolumeMounts()).isEmpty();
              });
      assertThat(stored.getSpec().getVolumes()).isEmpty();
      assertThat(stored.getSpec().getAutomountServiceAccountToken()).isNull();
    }
    // the matchCondition keeps the pod without the annotation from reaching the webhook at all;
    // the one with "false" reaches it and gets no patch
    assertThat(admissions("not_opted_in")).isEqualTo(notOptedIn + 1);
    assertThat(allAdmissions()).isEqualTo(total + 1);
  }

  @Test
  void aServerSideDryRunIsInjectedButWritesNoEvent(TestNamespace ns) throws Exception {
    webhook.publishRoute(ns.name());

    // the API server sends dry runs only to webhooks declaring sideEffects None or NoneOnDryRun
    Pod dryRun =
        admin.resource(pod(ns.name(), "dry-run", Map.of(INJECT, "true"))).dryRun().create();
    assertThat(sidecar(dryRun)).isNotNull();
    assertThat(admin.pods().inNamespace(ns.name()).withName("dry-run").get()).isNull();

    // a real creation afterwards: its event proves the writer ran after the dry run
    admin.resource(pod(ns.name(), "real", Map.of(INJECT, "true"))).create();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(events(ns.name()))
                    .extracting(e -> e.getRegarding().getName())
                    .contains("real"));
    Thread.sleep(1000);
    assertThat(events(ns.name()))
        .extracting(e -> e.getRegarding().getName())
        .doesNotContain("dry-run");
  }

  @Test
  void withTheWebhookDownOptedInPodsAreRefusedAndOthersAdmitted(TestNamespace ns) throws Exception {
    webhook.publishRoute(ns.name());
    routeTheServiceTo(); // no ready endpoint, as when every replica is down
    try {
      assertThatThrownBy(
              () -> admin.resource(pod(ns.name(), "agent", Map.of(INJECT, "true"))).create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getMessage())
                    .contains("the pod opted in to keyrelay (keyrelay.dev/inject) but was not")
                    .contains("the keyrelay webhook is unavailable");
              });
      assertThat(admin.resource(pod(ns.name(), "plain", Map.of())).create()).isNotNull();
      assertThat(admin.resource(pod(ns.name(), "opted-out", Map.of(INJECT, "false"))).create())
          .isNotNull();

      // the routes guard is the API server's own too: nobody but the operator writes the routes
      ConfigMap routes =
          admin.configMaps().inNamespace(ns.name()).withName(RoutesConfigMap.NAME).get();
      routes.getData().put(RoutesConfigMap.ROUTES_KEY, "routes: []\n");
      assertThatThrownBy(() -> admin.resource(routes).update())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getMessage())
                    .contains("keyrelay-routes is written only by the keyrelay operator");
              });
    } finally {
      routeTheServiceTo(webhookPort);
    }
    assertThat(sidecar(admin.resource(pod(ns.name(), "later", Map.of(INJECT, "true"))).create()))
        .as("admitted and injected once the webhook is back")
        .isNotNull();
  }

  @Test
  void anInjectedPodIsAdmittedByPodSecurityRestricted(TestNamespace ns) throws Exception {
    admin
        .namespaces()
        .withName(ns.name())
        .edit(
            n -> {
              n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              n.getMetadata()
                  .getLabels()
                  .put("pod-security.kubernetes.io/enforce-version", "latest");
              return n;
            });
    webhook.publishRoute(ns.name());

    Pod injected =
        admin.resource(restricted(pod(ns.name(), "agent", Map.of(INJECT, "true")))).create();
    assertThat(sidecar(injected)).isNotNull();

    // the namespace does enforce: the same pod without its restricted security context is refused
    assertThatThrownBy(
            () -> admin.resource(pod(ns.name(), "loose", Map.of(INJECT, "true"))).create())
        .hasMessageContaining("violates PodSecurity \"restricted:latest\"");
    // and enforced egress, whose init container needs NET_ADMIN, cannot run at this level
    assertThatThrownBy(
            () ->
                admin
                    .resource(
                        restricted(
                            pod(
                                ns.name(),
                                "enforced",
                                Map.of(INJECT, "true", "keyrelay.dev/enforce-egress", "true"))))
                    .create())
        .hasMessageContaining("violates PodSecurity \"restricted:latest\"")
        .hasMessageContaining("keyrelay-init");
  }

  /**
   * A rotation while two replicas serve. The test does what the replica whose periodic check comes
   * first does: it stores a new certificate in the Secret with a bundle of the new CA and the
   * previous one, and writes that bundle into the configuration. The running replica, which holds
   * the old certificate in memory, must take the Secret's instead of putting its own bundle back; a
   * second replica started afterwards serves the new one. Nobody writes the configuration again,
   * and every admission on the way succeeds.
   */
  @Test
  void aRotationWithTwoReplicasConvergesWithoutAWriteLoop(TestNamespace ns, @TempDir Path logs)
      throws Exception {
    webhook.publishRoute(ns.name());
    String secretName = release.manifests().operatorEnvironment().get("KEYRELAY_WEBHOOK_SECRET");
    String dns = service.getMetadata().getName() + "." + release.namespace() + ".svc";
    Predicate<AuditLog.Event> operatorWrites =
        e ->
            e.user().equals(release.user())
                && e.resource().equals("mutatingwebhookconfigurations")
                && Set.of("update", "patch").contains(e.verb());
    int writesBefore = server.auditLog().events(operatorWrites).size();

    Secret stored = admin.secrets().inNamespace(release.namespace()).withName(secretName).get();
    String previousCa = firstCertificate(decode(stored.getData().get("ca.crt")));
    ServingCertificate fresh =
        CertificateIssuer.issue(
            List.of(dns, dns + ".cluster.local"), Duration.ofDays(365), Instant.now());
    String bundle = fresh.caPem() + previousCa;
    stored.setData(
        Map.of(
            "ca.crt",
            encode(bundle),
            "tls.crt",
            encode(fresh.certPem()),
            "tls.key",
            encode(fresh.keyPem())));
    admin.resource(stored).update();
    admin
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(configurationName())
        .edit(
            c -> {
              c.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(encode(bundle)));
              return c;
            });
    String switched = "Serving webhook certificate valid until " + fresh.notAfter();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(operator.output())
                    .as("the running replica serves the Secret's certificate")
                    .contains(switched));
    // the replica and the API server learn the new bundle from the same watch event; give the
    // API server's own cache a moment, as the webhook's timeout would in a cluster
    Thread.sleep(1000);
    assertThat(sidecar(admin.resource(pod(ns.name(), "agent-0", Map.of(INJECT, "true"))).create()))
        .isNotNull();

    int secondPort = SidecarProcess.freePort();
    Map<String, String> env = new HashMap<>(release.operatorEnvironment(server));
    env.put("KEYRELAY_WEBHOOK_PORT", String.valueOf(secondPort));
    try (OperatorProcess second = OperatorProcess.start("webhook-2-" + ns.name(), env, logs)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(second.isAlive()).as(second.output()).isTrue();
                assertThat(second.isReady()).isTrue();
              });
      // ready: the Service gets it as an endpoint
      routeTheServiceTo(webhookPort, secondPort);
      assertThat(second.output()).contains(switched);
      for (int i = 1; i <= 10; i++) {
        Pod pod = admin.resource(pod(ns.name(), "agent-" + i, Map.of(INJECT, "true"))).create();
        assertThat(sidecar(pod)).as("admission %d", i).isNotNull();
      }
      Thread.sleep(3000);
    } finally {
      routeTheServiceTo(webhookPort);
    }
    assertThat(configurationBundle()).isEqualTo(bundle);
    List<AuditLog.Event> writes = server.auditLog().events(operatorWrites);
    assertThat(writes.subList(writesBefore, writes.size()))
        .as("no replica writes the configuration: it holds the Secret's bundle already")
        .isEmpty();
  }

  private static String configurationName() {
    return release.manifests().one(MutatingWebhookConfiguration.class).getMetadata().getName();
  }

  private static String configurationBundle() {
    String name = configurationName();
    return decode(
        admin
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(name)
            .get()
            .getWebhooks()
            .get(0)
            .getClientConfig()
            .getCaBundle());
  }

  private static String firstCertificate(String pem) {
    String end = "-----END CERTIFICATE-----";
    return pem.substring(0, pem.indexOf(end) + end.length()) + "\n";
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void routeTheServiceTo(Integer... ports) {
    webhook.routeTheServiceTo(ports);
  }

  private static List<Event> events(String ns) {
    return admin.events().v1().events().inNamespace(ns).list().getItems();
  }

  private static double admissions(String outcome) throws Exception {
    return operator.metric("keyrelay_webhook_admissions_total{outcome=\"" + outcome + "\"}");
  }

  private static double allAdmissions() throws Exception {
    double sum = 0;
    for (String outcome :
        List.of("injected", "not_opted_in", "already_injected", "ignored", "refused", "error")) {
      sum += admissions(outcome);
    }
    return sum;
  }
}

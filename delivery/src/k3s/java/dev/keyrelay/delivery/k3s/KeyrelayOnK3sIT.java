package dev.keyrelay.delivery.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The whole install on a real cluster: both images built from the Dockerfiles, the CRD and the
 * chart installed into k3s, a route with its Secret, and an opted-in pod whose curl, holding only
 * the placeholder, reaches an in-cluster HTTPS upstream (nginx, private CA) that echoes the real
 * key it received, and reads the echo back scrubbed. Needs Docker: skipped without it.
 */
@Testcontainers(disabledWithoutDocker = true)
class KeyrelayOnK3sIT {

  private static final Path ROOT = Path.of("..");
  private static final String NAMESPACE = "e2e";
  private static final String REAL_KEY = "real-" + UUID.randomUUID();

  @Container
  private static final K3sContainer K3S =
      new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.5-k3s1"));

  @Test
  void anInjectedPodReachesTheUpstreamWithTheRealKeyWhileHoldingThePlaceholder() throws Exception {
    String operatorImage =
        ClusterImages.buildAndImport(
            K3S, ROOT, "Dockerfile.operator", "keyrelay/keyrelay-operator");
    String sidecarImage =
        ClusterImages.buildAndImport(K3S, ROOT, "Dockerfile.sidecar", "keyrelay/keyrelay-sidecar");
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml()))
            .build()) {
      applyCrds(client);
      installChart(operatorImage, sidecarImage);
      deployUpstream(client);
      createRoute(client);

      Pod agent = createInjectedAgentPod(client);
      Pod done =
          client
              .pods()
              .inNamespace(NAMESPACE)
              .withName(agent.getMetadata().getName())
              .waitUntilCondition(
                  p -> List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()),
                  3,
                  TimeUnit.MINUTES);
      String log =
          client
              .pods()
              .inNamespace(NAMESPACE)
              .withName(agent.getMetadata().getName())
              .inContainer("agent")
              .getLog();

      assertThat(done.getStatus().getPhase()).as(log).isEqualTo("Succeeded");
      // The upstream echoes the key it received; the sidecar masks it on the way back, so a mask
      // of its exact length proves the upstream got the real key and the agent never saw it.
      assertThat(log).contains("x-api-key=" + "*".repeat(REAL_KEY.length())).doesNotContain(REAL_KEY);
      assertThat(done.getSpec().getContainers().get(0).getEnv())
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("UPSTREAM_API_KEY");
                assertThat(e.getValue()).isEqualTo("placeholder");
              });
    }
  }

  /** As docs/install.md says: kubectl apply -f crds/ before the chart. */
  private static void applyCrds(KubernetesClient client) throws Exception {
    for (String name : List.of("credentialroutes.keyrelay.dev", "egresspolicies.keyrelay.dev")) {
      try (InputStream in = Files.newInputStream(ROOT.resolve("crds/" + name + ".yaml"))) {
        client.load(in).serverSideApply();
      }
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(
              crd ->
                  crd.getStatus() != null
                      && crd.getStatus().getConditions().stream()
                          .anyMatch(
                              c ->
                                  c.getType().equals("Established")
                                      && c.getStatus().equals("True")),
              1,
              TimeUnit.MINUTES);
    }
  }

  /** The chart with the dev profile (one replica) and the images just imported. */
  private static void installChart(String operatorImage, String sidecarImage) {
    new Helm(ROOT.resolve("charts/keyrelay"))
        .install()
        .withName("keyrelay")
        .withNamespace("keyrelay-system")
        .createNamespace()
        .withKubeConfigContents(K3S.getKubeConfigYaml())
        .withValuesFile(ROOT.resolve("helm/values-dev.yaml"))
        .set("operator.image.repository", repository(operatorImage))
        .set("operator.image.tag", ClusterImages.TAG)
        .set("operator.image.pullPolicy", "Never")
        .set("sidecar.image.repository", repository(sidecarImage))
        .set("sidecar.image.tag", ClusterImages.TAG)
        .waitReady()
        .withTimeout(300)
        .call();
  }

  /** nginx on HTTPS 8443 as the Service "upstream", answering with the x-api-key it received. */
  private static void deployUpstream(KubernetesClient client) throws Exception {
    UpstreamPki pki = UpstreamPki.forHosts("upstream", "upstream." + NAMESPACE + ".svc");
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    apply(
        client,
        new SecretBuilder()
            .withNewMetadata()
            .withName("upstream-tls")
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withStringData(
                Map.of("tls.crt", pki.serverCertificatePem(), "tls.key", pki.serverKeyPem()))
            .build(),
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("upstream-ca")
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withData(Map.of("ca.crt", pki.caPem()))
            .build(),
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("upstream-nginx")
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withData(Map.of("default.conf", NGINX_CONF))
            .build());
    load(client, UPSTREAM);
    client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withName("upstream")
        .waitUntilReady(3, TimeUnit.MINUTES);
  }

  private static void createRoute(KubernetesClient client) throws Exception {
    apply(
        client,
        new SecretBuilder()
            .withNewMetadata()
            .withName("upstream-key")
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withStringData(Map.of("api-key", REAL_KEY))
            .build());
    load(client, ROUTE);
    client
        .resources(CredentialRoute.class)
        .inNamespace(NAMESPACE)
        .withName("upstream")
        .waitUntilCondition(
            r ->
                r.getStatus() != null
                    && r.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")),
            2,
            TimeUnit.MINUTES);
  }

  /**
   * Creates the agent pod until the webhook injects it with the route. Right after the install the
   * admission policy refuses opted-in pods while the webhook is not reachable yet, and the webhook
   * may not have seen the published routes yet: both settle within seconds.
   */
  private static Pod createInjectedAgentPod(KubernetesClient client) {
    return await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(
            () -> client.resource(agentPod(client)).inNamespace(NAMESPACE).create(),
            pod ->
                pod.getMetadata()
                    .getAnnotations()
                    .getOrDefault("keyrelay.dev/injected", "")
                    .contains("\"upstream\""));
  }

  private static Pod agentPod(KubernetesClient client) {
    return client.getKubernetesSerialization().unmarshal(AGENT_POD, Pod.class);
  }

  private static void apply(KubernetesClient client, HasMetadata... objects) {
    for (HasMetadata object : objects) {
      client.resource(object).serverSideApply();
    }
  }

  private static void load(KubernetesClient client, String yaml) {
    client
        .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .inNamespace(NAMESPACE)
        .serverSideApply();
  }

  private static String repository(String image) {
    return image.substring(0, image.lastIndexOf(':'));
  }

  private static final String NGINX_CONF =
      """
      server {
        listen 8443 ssl;
        ssl_certificate /etc/nginx/tls/tls.crt;
        ssl_certificate_key /etc/nginx/tls/tls.key;
        location / {
          default_type text/plain;
          return 200 "x-api-key=$http_x_api_key\\n";
        }
      }
      """;

  private static final String UPSTREAM =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: upstream
      spec:
        selector:
          matchLabels: { app: upstream }
        template:
          metadata:
            labels: { app: upstream }
          spec:
            containers:
              - name: nginx
                image: nginx:1.27.3-alpine
                ports: [ { containerPort: 8443 } ]
                readinessProbe:
                  tcpSocket: { port: 8443 }
                volumeMounts:
                  - { name: conf, mountPath: /etc/nginx/conf.d }
                  - { name: tls, mountPath: /etc/nginx/tls }
            volumes:
              - { name: conf, configMap: { name: upstream-nginx } }
              - { name: tls, secret: { secretName: upstream-tls } }
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: upstream
      spec:
        selector: { app: upstream }
        ports: [ { port: 8443, targetPort: 8443 } ]
      """;

  private static final String ROUTE =
      """
      apiVersion: keyrelay.dev/v1alpha1
      kind: CredentialRoute
      metadata:
        name: upstream
      spec:
        http:
          host: upstream
          port: 8443
          auth: { type: header, headerName: x-api-key }
          upstreamCa:
            configMapKeyRef: { name: upstream-ca, key: ca.crt }
        secret:
          kubernetes: { name: upstream-key, key: api-key }
        agentEnv:
          UPSTREAM_API_KEY: placeholder
      """;

  /** curl with nothing but the injected environment: proxy, CA bundle and the placeholder. */
  private static final String AGENT_POD =
      """
      apiVersion: v1
      kind: Pod
      metadata:
        generateName: agent-
        annotations:
          keyrelay.dev/inject: "true"
      spec:
        restartPolicy: Never
        containers:
          - name: agent
            image: curlimages/curl:8.11.1
            command:
              - sh
              - -c
              - curl -sS --fail-with-body --max-time 30 -H "x-api-key: $UPSTREAM_API_KEY" https://upstream:8443/
      """;
}

package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.apiserver.AuditLog;
import dev.keyrelay.operator.apiserver.KubeApiServer;
import dev.keyrelay.operator.apiserver.KubeApiServerExtension;
import dev.keyrelay.operator.apiserver.OperatorProcess;
import dev.keyrelay.operator.apiserver.TestNamespace;
import dev.keyrelay.operator.route.TestingRoutes;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator at the scale of a busy cluster, on a real API server with the chart's RBAC: 200
 * routes in 20 namespaces and 500 injected pods (stored, never run: there is no kubelet), plus one
 * namespace whose routes do not fit into one ConfigMap. The operator runs with the image's JVM
 * options; the API server's audit log shows what it asked for.
 */
@ExtendWith(KubeApiServerExtension.class)
class ChartScaleIT {

  private static final int NAMESPACES = 20;
  private static final int ROUTES_PER_NAMESPACE = 10;
  private static final int PODS_PER_NAMESPACE = 25;
  private static final int SELECTORS = 5;
  private static final int OVERSIZED_ROUTES = 17;

  /** What the run may take from the operator's start, on a shared 2-core CI machine. */
  private static final Duration CONVERGENCE_BUDGET = Duration.ofSeconds(60);

  /** The chart's memory limit for the operator container. */
  private static final long MEMORY_LIMIT = 512L * 1024 * 1024;

  private static KubeApiServer server;
  private static KubernetesClient admin;
  private static ChartRelease release;

  @TempDir Path logs;
  private OperatorProcess operator;

  @BeforeAll
  static void installTheChart(KubeApiServer apiServer, TestNamespace releaseNamespace) {
    server = apiServer;
    admin = server.admin();
    release = ChartRelease.install(server, releaseNamespace);
  }

  @AfterEach
  void stopTheOperator() throws Exception {
    if (operator != null) {
      operator.close();
      assertThat(operator.output()).doesNotContain("Forbidden");
    }
  }

  @Test
  void twoHundredRoutesAndFiveHundredPodsConvergeWithinTheBudget(TestNamespace test)
      throws Exception {
    List<String> namespaces =
        IntStream.range(0, NAMESPACES).mapToObj(i -> test.name() + "-" + i).toList();
    String oversized = test.name() + "-big";
    createEverything(namespaces, oversized);

    operator =
        OperatorProcess.start(
            test.name(),
            release.operatorEnvironment(server),
            logs,
            OperatorProcess.IMAGE_JVM_OPTIONS);
    long started = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertThat(operator.isAlive()).as(operator.output()).isTrue();
              Lease lease =
                  admin
                      .leases()
                      .inNamespace(release.namespace())
                      .withName(release.leaseName())
                      .get();
              assertThat(lease).isNotNull();
              assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(operator.name());
            });
    Duration toLeader = Duration.ofNanos(System.nanoTime() - started);
    await()
        .atMost(CONVERGENCE_BUDGET.plus(toLeader))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(readyRoutes(namespaces)).isEqualTo(200));
    Duration converged = Duration.ofNanos(System.nanoTime() - started).minus(toLeader);
    long peakRss = operator.peakRssBytes();
    long liveHeap = operator.liveHeapBytes();
    System.out.printf(
        "ChartScaleIT: leader after %d ms, 200 routes Ready %d ms later; peak RSS %d MiB, live"
            + " heap %d MiB%n",
        toLeader.toMillis(), converged.toMillis(), peakRss >> 20, liveHeap >> 20);
    assertThat(converged).isLessThan(CONVERGENCE_BUDGET);
    assertThat(peakRss).as("peak RSS within the chart's memory limit").isLessThan(MEMORY_LIMIT);

    for (String ns : namespaces) {
      ConfigMap cm = admin.configMaps().inNamespace(ns).withName(RoutesConfigMap.NAME).get();
      assertThat(cm.getData().get(RoutesConfigMap.INJECTION_KEY))
          .as(ns)
          .contains("name: route-0", "name: route-9");
    }
    // each route lists the injected pods it selects that lack its Secret: five per namespace
    CredentialRoute sample =
        admin
            .resources(CredentialRoute.class)
            .inNamespace(namespaces.get(3))
            .withName("route-7")
            .get();
    assertThat(sample.getStatus().getPodsNeedingRestart())
        .containsExactly("pod-12", "pod-17", "pod-2", "pod-22", "pod-7");

    assertPodsListedByLabelOnly();
    assertTheOversizedNamespaceWithholdsWhatDoesNotFit(oversized);
  }

  /** Every pod request of the operator is a namespaced list filtered by the injected label. */
  private static void assertPodsListedByLabelOnly() {
    List<AuditLog.Event> podRequests =
        server
            .auditLog()
            .events(e -> e.user().equals(release.user()) && e.resource().equals("pods"));
    assertThat(podRequests).hasSizeGreaterThanOrEqualTo(200);
    assertThat(podRequests)
        .allSatisfy(
            e -> {
              assertThat(e.verb()).isEqualTo("list");
              assertThat(e.namespace()).isNotEmpty();
              assertThat(URLDecoder.decode(e.requestUri(), StandardCharsets.UTF_8))
                  .contains("labelSelector=")
                  .contains("keyrelay.dev/injected in (true)");
            });
  }

  private static void assertTheOversizedNamespaceWithholdsWhatDoesNotFit(String ns)
      throws Exception {
    Map<String, String> published = new TreeMap<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              published.clear();
              for (CredentialRoute r :
                  admin.resources(CredentialRoute.class).inNamespace(ns).list().getItems()) {
                published.put(r.getMetadata().getName(), condition(r, "Published"));
              }
              assertThat(published).hasSize(OVERSIZED_ROUTES).doesNotContainValue("none");
            });
    Set<String> withheld =
        published.entrySet().stream()
            .filter(e -> e.getValue().equals("False/ConfigMapTooLarge"))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    assertThat(withheld).as(published.toString()).isNotEmpty();
    assertThat(published.values())
        .as("every route is published or withheld for its size")
        .allMatch(v -> v.equals("True/Published") || v.equals("False/ConfigMapTooLarge"));
    // the youngest routes are the ones left out
    assertThat(withheld).contains(bigRouteName(OVERSIZED_ROUTES - 1));
    ConfigMap cm = admin.configMaps().inNamespace(ns).withName(RoutesConfigMap.NAME).get();
    long bytes =
        cm.getData().entrySet().stream()
            .mapToLong(e -> e.getKey().length() + e.getValue().length())
            .sum();
    assertThat(bytes).isLessThanOrEqualTo(1024 * 1024);
    assertThat(cm.getData().get(RoutesConfigMap.INJECTION_KEY)).contains("name: big-00");

    // no write is refused and none repeats: the ConfigMap settles
    Set<String> writes = Set.of("create", "update", "patch");
    List<AuditLog.Event> before =
        server
            .auditLog()
            .events(
                e ->
                    e.user().equals(release.user())
                        && e.resource().equals("configmaps")
                        && writes.contains(e.verb()));
    assertThat(before).noneMatch(e -> e.code() == 422);
    Thread.sleep(5000);
    long nowInBig =
        server
            .auditLog()
            .events(
                e ->
                    e.user().equals(release.user())
                        && e.resource().equals("configmaps")
                        && e.namespace().equals(ns)
                        && writes.contains(e.verb()))
            .size();
    long beforeInBig = before.stream().filter(e -> e.namespace().equals(ns)).count();
    assertThat(nowInBig).as("writes to the oversized namespace's ConfigMap").isEqualTo(beforeInBig);
    System.out.printf(
        "ChartScaleIT: %d ConfigMap writes in all (%d conflicts), %d in the oversized namespace;"
            + " withheld there: %s%n",
        before.size(), before.stream().filter(e -> e.code() == 409).count(), beforeInBig, withheld);
  }

  /** Namespaces, Secrets, routes and pods, created concurrently as a busy cluster would. */
  private static void createEverything(List<String> namespaces, String oversized) throws Exception {
    List<String> all = new ArrayList<>(namespaces);
    all.add(oversized);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Object>> namespaceWork = new ArrayList<>();
      all.forEach(ns -> namespaceWork.add(() -> createNamespace(ns)));
      run(pool, namespaceWork);
      List<Callable<Object>> work = new ArrayList<>();
      for (String ns : namespaces) {
        for (int i = 0; i < ROUTES_PER_NAMESPACE; i++) {
          int route = i;
          work.add(() -> admin.resource(route(ns, route)).create());
        }
        for (int j = 0; j < PODS_PER_NAMESPACE; j++) {
          int pod = j;
          work.add(() -> admin.resource(injectedPod(ns, pod)).create());
        }
      }
      run(pool, work);
      // one at a time, so that their creation order (the order they keep their place in) is known
      for (int i = 0; i < OVERSIZED_ROUTES; i++) {
        admin.resource(bigRoute(oversized, i)).create();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void run(ExecutorService pool, List<Callable<Object>> tasks) throws Exception {
    for (Future<Object> f : pool.invokeAll(tasks)) {
      f.get();
    }
  }

  private static Object createNamespace(String ns) {
    admin
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    return admin
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("key")
                .withNamespace(ns)
                .endMetadata()
                .addToStringData("token", "sk-test")
                .build())
        .create();
  }

  /** route-I selects the pods labelled app=agent-(I mod 5). */
  private static CredentialRoute route(String ns, int i) {
    CredentialRoute route =
        TestingRoutes.headerRoute(ns, "route-" + i, "api-" + i + ".example.com", "key");
    LabelSelector selector = new LabelSelector();
    selector.setMatchLabels(Map.of("app", "agent-" + (i % SELECTORS)));
    route.getSpec().setPodSelector(selector);
    return route;
  }

  /**
   * A route with 64 agentEnv values of 1000 characters: about 66 KB of the ConfigMap, so that 17 of
   * them pass its 1 MiB.
   */
  private static CredentialRoute bigRoute(String ns, int i) {
    CredentialRoute route =
        TestingRoutes.headerRoute(ns, bigRouteName(i), "big-" + i + ".example.com", "key");
    Map<String, String> env = new TreeMap<>();
    for (int k = 0; k < 64; k++) {
      env.put("PLACEHOLDER_" + k, ("route " + i + " ").repeat(125).substring(0, 1000));
    }
    route.getSpec().setAgentEnv(env);
    return route;
  }

  private static String bigRouteName(int i) {
    return String.format("big-%02d", i);
  }

  /**
   * A pod as the webhook would have stored it (label and record annotation), without the routes'
   * Secret volume, so every route selecting it lists it as needing a restart.
   */
  private static Pod injectedPod(String ns, int j) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("pod-" + j)
        .withNamespace(ns)
        .addToLabels("app", "agent-" + (j % SELECTORS))
        .addToLabels("keyrelay.dev/injected", "true")
        .addToAnnotations("keyrelay.dev/inject", "true")
        .addToAnnotations("keyrelay.dev/injected", "{\"mode\":\"native-sidecar\",\"routes\":[]}")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage("registry.example/agent:1")
        .endContainer()
        .endSpec()
        .build();
  }

  private static int readyRoutes(List<String> namespaces) {
    Set<String> scale = Set.copyOf(namespaces);
    return (int)
        admin.resources(CredentialRoute.class).inAnyNamespace().list().getItems().stream()
            .filter(r -> scale.contains(r.getMetadata().getNamespace()))
            .filter(r -> condition(r, "Ready").equals("True/Ready"))
            .count();
  }

  /** "status/reason" of a condition, or "none". */
  private static String condition(CredentialRoute route, String type) {
    if (route.getStatus() == null || route.getStatus().getConditions() == null) {
      return "none";
    }
    return route.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map((Condition c) -> c.getStatus() + "/" + c.getReason())
        .findFirst()
        .orElse("none");
  }
}

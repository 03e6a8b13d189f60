package dev.keyrelay.operator.route;

import static dev.keyrelay.operator.route.TestingRoutes.headerRoute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyrelay.operator.KeyrelayOperator;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.api.v1alpha1.TestingCrds;
import dev.keyrelay.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An operator limited to some namespaces watches routes, Secrets and ConfigMaps only there. */
@EnableKubernetesMockClient(crud = true)
class WatchNamespacesTest {

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void routesOutsideTheWatchedNamespacesAreLeftAlone() throws Exception {
    TestingCrds.create(client);
    try (KeyrelayOperator operator =
        new KeyrelayOperator(
            client,
            new OperatorSettings(Set.of("watched"), 0, false, null, null),
            new SimpleMeterRegistry())) {
      operator.start();
      client.resource(headerRoute("other", "ignored", "api.test", "s")).create();
      client.resource(headerRoute("watched", "served", "api.test", "s")).create();

      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> get("watched", "served").getStatus() != null);
      Thread.sleep(500);
      assertThat(get("other", "ignored").getStatus()).isNull();
      assertThat(client.configMaps().inNamespace("other").list().getItems()).isEmpty();
    }

    List<String> paths = new ArrayList<>();
    for (RecordedRequest r; (r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null; ) {
      paths.add(r.getPath());
    }
    List<String> watches = paths.stream().filter(p -> p.contains("watch=true")).toList();
    assertThat(watches)
        .noneSatisfy(p -> assertThat(p).contains("/secrets"))
        .anySatisfy(p -> assertThat(p).startsWith("/api/v1/namespaces/watched/configmaps?"))
        .anySatisfy(p -> assertThat(p).contains("/namespaces/watched/credentialroutes?"))
        .allSatisfy(p -> assertThat(p).contains("/namespaces/watched/"));
  }

  private CredentialRoute get(String ns, String name) {
    return client.resources(CredentialRoute.class).inNamespace(ns).withName(name).get();
  }
}

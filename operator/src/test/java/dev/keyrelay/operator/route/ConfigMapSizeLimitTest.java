package dev.keyrelay.operator.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ConfigMapSizeLimitTest {

  @Test
  void aNamespaceThatFitsIsLeftAlone() {
    List<CredentialRoute> routes = List.of(route("a", "2026-01-01T00:00:00Z", 1));
    Map<String, RouteVerdict> verdicts = NamespaceRoutes.evaluate(routes);

    assertThat(
            ConfigMapSizeLimit.apply(
                verdicts,
                routes,
                RoutesConfigRenderer::render,
                ConfigMapSizeLimit.API_SERVER_LIMIT))
        .isSameAs(verdicts);
  }

  @Test
  void theYoungestRoutesThatDoNotFitAreWithheldWithTheSizeAndTheLimit() {
    // "a-young" sorts first by name but was created last: the older routes keep their place
    CredentialRoute old1 = route("c-old", "2026-01-01T00:00:00Z", 40);
    CredentialRoute old2 = route("b-old", "2026-01-02T00:00:00Z", 40);
    CredentialRoute young = route("a-young", "2026-01-03T00:00:00Z", 40);
    CredentialRoute small = route("d-small", "2026-01-04T00:00:00Z", 1);
    List<CredentialRoute> routes = List.of(old1, old2, young, small);
    int limit =
        ConfigMapSizeLimit.size(RoutesConfigRenderer.render(List.of(old1, old2, small))) + 10;

    Map<String, RouteVerdict> verdicts =
        ConfigMapSizeLimit.apply(
            NamespaceRoutes.evaluate(routes), routes, RoutesConfigRenderer::render, limit);

    assertThat(verdicts.get("c-old").accepted()).isTrue();
    assertThat(verdicts.get("b-old").accepted()).isTrue();
    assertThat(verdicts.get("d-small").accepted()).as("a later route that still fits").isTrue();
    Withheld withheld = verdicts.get("a-young").withheld();
    assertThat(withheld.reason()).isEqualTo("ConfigMapTooLarge");
    assertThat(withheld.message())
        .contains("over the API server's limit of " + limit + " bytes")
        .containsPattern("would hold about \\d+ bytes");
    List<CredentialRoute> published =
        routes.stream().filter(r -> verdicts.get(r.getMetadata().getName()).accepted()).toList();
    assertThat(ConfigMapSizeLimit.size(RoutesConfigRenderer.render(published)))
        .isLessThanOrEqualTo(limit);
  }

  @Test
  void theSizeIsWhatTheApiServerCountsKeysAndValuesInUtf8() {
    RoutesConfig config = new RoutesConfig("é", "ab");
    assertThat(ConfigMapSizeLimit.size(config))
        .isEqualTo("routes.yaml".length() + 2 + "injection.yaml".length() + 2);
  }

  /** A route carrying {@code envs} agentEnv placeholders of 1000 characters each. */
  private static CredentialRoute route(String name, String created, int envs) {
    CredentialRoute route =
        TestingRoutes.headerRoute("team-a", name, name + ".example.com", name + "-key");
    route.getMetadata().setCreationTimestamp(created);
    Map<String, String> env = new TreeMap<>();
    for (int i = 0; i < envs; i++) {
      env.put(name.toUpperCase().replace('-', '_') + "_" + i, "x".repeat(1000));
    }
    route.getSpec().setAgentEnv(env);
    return route;
  }
}

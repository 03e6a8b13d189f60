package dev.keyrelay.operator.route;

import static dev.keyrelay.operator.route.TestingRoutes.headerRoute;
import static dev.keyrelay.operator.route.TestingRoutes.listener;
import static dev.keyrelay.operator.route.TestingRoutes.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceRoutesTest {

  private static CredentialRoute createdAt(CredentialRoute route, String timestamp) {
    route.getMetadata().setCreationTimestamp(timestamp);
    return route;
  }

  @Test
  void theNewerOfTwoRoutesForOneHostIsRefused() {
    CredentialRoute older =
        createdAt(headerRoute("ns", "zz-older", "api.test", "s"), "2026-01-01T00:00:00Z");
    CredentialRoute newer =
        createdAt(headerRoute("ns", "aa-newer", "API.test.", "s"), "2026-01-01T00:00:01Z");

    Map<String, RouteVerdict> verdicts = NamespaceRoutes.evaluate(List.of(newer, older));

    assertThat(verdicts.get("zz-older").accepted()).isTrue();
    RouteVerdict refused = verdicts.get("aa-newer");
    assertThat(refused.valid()).isTrue();
    assertThat(refused.accepted()).isFalse();
    assertThat(refused.conflict().reason()).isEqualTo("HostConflict");
    assertThat(refused.conflict().toString())
        .isEqualTo("spec.http.host: api.test is already routed by 'zz-older'");
  }

  @Test
  void sameCreationTimeFallsBackToNameOrder() {
    String ts = "2026-01-01T00:00:00Z";
    Map<String, RouteVerdict> verdicts =
        NamespaceRoutes.evaluate(
            List.of(
                createdAt(headerRoute("ns", "b", "api.test", "s"), ts),
                createdAt(headerRoute("ns", "a", "api.test", "s"), ts)));

    assertThat(verdicts.get("a").accepted()).isTrue();
    assertThat(verdicts.get("b").conflict()).isNotNull();
  }

  @Test
  void distinctPortsOfOneHostCoexistButAPortlessRouteOverlapsThem() {
    String spec =
        """
        http: { host: api.test, port: %d, auth: { type: header, headerName: x-k } }
        secret: { vault: { path: p, field: f } }
        """;
    CredentialRoute p443 =
        createdAt(route("ns", "p443", spec.formatted(443)), "2026-01-01T00:00:00Z");
    CredentialRoute p8443 =
        createdAt(route("ns", "p8443", spec.formatted(8443)), "2026-01-01T00:00:01Z");
    CredentialRoute any =
        createdAt(headerRoute("ns", "any", "api.test", "s"), "2026-01-01T00:00:02Z");

    Map<String, RouteVerdict> verdicts = NamespaceRoutes.evaluate(List.of(any, p8443, p443));

    assertThat(verdicts.get("p443").accepted()).isTrue();
    assertThat(verdicts.get("p8443").accepted()).isTrue();
    assertThat(verdicts.get("any").conflict().problem())
        .isEqualTo("api.test is already routed by 'p443'");
  }

  @Test
  void listenPortsCollide() {
    Map<String, RouteVerdict> verdicts =
        NamespaceRoutes.evaluate(
            List.of(
                createdAt(listener("ns", "orders", 15432), "2026-01-01T00:00:00Z"),
                createdAt(listener("ns", "billing", 15432), "2026-01-01T00:00:05Z"),
                createdAt(listener("ns", "users", 15433), "2026-01-01T00:00:05Z")));

    assertThat(verdicts.get("orders").accepted()).isTrue();
    assertThat(verdicts.get("users").accepted()).isTrue();
    assertThat(verdicts.get("billing").conflict())
        .isEqualTo(
            new Conflict(
                "ListenPortConflict",
                "spec.postgres.listenPort",
                "port 15432 is already used by listener 'orders'"));
  }

  @Test
  void invalidRoutesClaimNothingAndDeletedRoutesAreLeftOut() {
    CredentialRoute invalid =
        createdAt(
            route(
                "ns",
                "invalid",
                """
        http: { host: api.test, auth: { type: header, headerName: Host } }
        secret: { vault: { path: p, field: f } }
        """),
            "2026-01-01T00:00:00Z");
    CredentialRoute deleting =
        createdAt(headerRoute("ns", "deleting", "api.test", "s"), "2026-01-01T00:00:00Z");
    deleting.getMetadata().setDeletionTimestamp("2026-01-02T00:00:00Z");
    CredentialRoute good =
        createdAt(headerRoute("ns", "good", "api.test", "s"), "2026-01-01T00:00:09Z");

    Map<String, RouteVerdict> verdicts = NamespaceRoutes.evaluate(List.of(invalid, deleting, good));

    assertThat(verdicts).containsOnlyKeys("invalid", "good");
    assertThat(verdicts.get("invalid").violations())
        .extracting(Violation::field)
        .containsExactly("spec.http.auth.headerName");
    assertThat(verdicts.get("good").accepted()).isTrue();
  }
}

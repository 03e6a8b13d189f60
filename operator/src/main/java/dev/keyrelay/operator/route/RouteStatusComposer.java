package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.api.v1alpha1.CredentialRouteStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Turns a route's verdict, secret check and publication into its status conditions. */
final class RouteStatusComposer {

  private RouteStatusComposer() {}

  static CredentialRouteStatus compose(
      CredentialRoute route, RouteVerdict verdict, Condition secretResolved, Instant now) {
    Condition valid = valid(verdict);
    Condition published =
        verdict.accepted()
            ? Conditions.of(
                Conditions.PUBLISHED,
                true,
                "Published",
                "In ConfigMap " + RoutesConfig.CONFIG_MAP_NAME)
            : Conditions.of(
                Conditions.PUBLISHED,
                false,
                "NotPublished",
                "Left out of ConfigMap "
                    + RoutesConfig.CONFIG_MAP_NAME
                    + " until the route is valid");
    Condition ready = ready(valid, secretResolved, published);

    long generation =
        route.getMetadata().getGeneration() == null ? 0 : route.getMetadata().getGeneration();
    List<Condition> previous = route.getStatus() == null ? null : route.getStatus().getConditions();
    CredentialRouteStatus status = new CredentialRouteStatus();
    status.setObservedGeneration(generation);
    status.setConditions(
        Stream.of(valid, secretResolved, published, ready)
            .map(c -> Conditions.stamp(c, previous, generation, now))
            .toList());
    return status;
  }

  private static Condition valid(RouteVerdict verdict) {
    if (!verdict.valid()) {
      return Conditions.of(
          Conditions.VALID,
          false,
          "Invalid",
          verdict.violations().stream().map(Violation::toString).collect(Collectors.joining("; ")));
    }
    if (verdict.conflict() != null) {
      return Conditions.of(
          Conditions.VALID, false, verdict.conflict().reason(), verdict.conflict().toString());
    }
    return Conditions.of(Conditions.VALID, true, "Valid", "The route passes every check");
  }

  /** Ready needs Valid and Published, and a Secret that is found or (Vault) not checkable. */
  private static Condition ready(Condition valid, Condition secret, Condition published) {
    for (Condition c : List.of(valid, secret, published)) {
      if (Conditions.FALSE.equals(c.getStatus())) {
        return Conditions.of(Conditions.READY, false, c.getReason(), c.getMessage());
      }
    }
    String message =
        Conditions.TRUE.equals(secret.getStatus())
            ? "Served by injected sidecars"
            : "Served by injected sidecars; " + secret.getMessage();
    return Conditions.of(Conditions.READY, true, "Ready", message);
  }
}

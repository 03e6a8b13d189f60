package dev.keyrelay.operator.route;

import dev.keyrelay.contract.RoutesConfigMap;
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

  /**
   * @param publication what publishing the namespace's ConfigMap did in this reconcile
   */
  static CredentialRouteStatus compose(
      CredentialRoute route,
      RouteVerdict verdict,
      Condition secretResolved,
      RoutesConfigMapPublisher.Outcome publication,
      Instant now) {
    Condition valid = valid(verdict);
    Condition published = published(verdict, publication);
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

  private static Condition published(
      RouteVerdict verdict, RoutesConfigMapPublisher.Outcome publication) {
    String cm = "ConfigMap " + RoutesConfigMap.NAME;
    if (!verdict.valid() || verdict.conflict() != null) {
      return Conditions.of(
          Conditions.PUBLISHED,
          false,
          "NotPublished",
          "Left out of " + cm + " until the route is valid");
    }
    if (verdict.withheld() != null) {
      return Conditions.of(
          Conditions.PUBLISHED, false, verdict.withheld().reason(), verdict.withheld().message());
    }
    if (publication == RoutesConfigMapPublisher.Outcome.NOT_MANAGED) {
      return Conditions.of(
          Conditions.PUBLISHED,
          false,
          "ConfigMapNotManaged",
          cm
              + " exists but is not managed by keyrelay (label "
              + RoutesConfigMapPublisher.SELECTOR
              + "); rename or delete it");
    }
    return Conditions.of(Conditions.PUBLISHED, true, "Published", "In " + cm);
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

package dev.keyrelay.operator.route;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.api.v1alpha1.CredentialRouteStatus;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicyNames;
import dev.keyrelay.operator.config.VaultConnection;
import dev.keyrelay.operator.egress.EgressRules;
import dev.keyrelay.operator.egress.NamespaceEgress;
import dev.keyrelay.operator.inject.InjectionRoute;
import dev.keyrelay.operator.inject.StalePods;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles CredentialRoutes namespace by namespace: judges all routes of the namespace, publishes
 * the accepted ones into the {@code keyrelay-routes} ConfigMap, and reports this route's status. A
 * ConfigMap event re-reconciles every route of its namespace, so a change made for one route
 * refreshes its neighbours' status too; an EgressPolicy event does the same, since the namespace's
 * merged egress rules are rendered into that ConfigMap.
 *
 * <p>Secrets are not watched: a watch needs {@code list} and {@code watch} on every Secret of the
 * watched namespaces, and an informer would cache them all. The route's own Secret is read by name
 * when it is reconciled ({@link SecretKeyNames}), and a route is looked at again after {@code
 * secretRecheck} while its Secret or key is missing, and after {@link #SECRET_FOUND_RECHECK} once
 * found, so that a Secret created or removed later is seen without an event.
 *
 * <p>The ConfigMap is written by a publishing step rather than a java-operator-sdk dependent
 * resource: a dependent belongs to one primary and is deleted with it, while this ConfigMap is
 * shared by every route of the namespace and must outlive any one of them.
 */
@ControllerConfiguration(name = CredentialRouteReconciler.NAME)
public class CredentialRouteReconciler
    implements Reconciler<CredentialRoute>, Cleaner<CredentialRoute> {

  public static final String NAME = "credentialroute";

  private static final Logger LOG = LoggerFactory.getLogger(CredentialRouteReconciler.class);
  private static final Duration NOT_MANAGED_RECHECK = Duration.ofSeconds(30);
  private static final Duration STALE_PODS_RECHECK = Duration.ofMinutes(2);
  static final Duration SECRET_FOUND_RECHECK = Duration.ofMinutes(5);

  private final Clock clock;
  private final PublishMetrics metrics;
  private final VaultConnection vault;
  private final EgressRules egressDefault;
  private final Duration secretRecheck;
  private final Map<String, Object> namespaceLocks = new ConcurrentHashMap<>();
  private InformerEventSource<ConfigMap, CredentialRoute> configMaps;
  private InformerEventSource<EgressPolicy, CredentialRoute> egressPolicies;

  /**
   * @param vault how sidecars reach Vault, rendered when a route uses Vault; null when none is
   *     configured
   * @param egressDefault the cluster-wide egress rules each namespace's EgressPolicy is merged over
   * @param secretRecheck how soon a route whose Secret or key is missing is reconciled again
   */
  public CredentialRouteReconciler(
      Clock clock,
      PublishMetrics metrics,
      VaultConnection vault,
      EgressRules egressDefault,
      Duration secretRecheck) {
    this.clock = clock;
    this.metrics = metrics;
    this.vault = vault;
    this.egressDefault = egressDefault;
    this.secretRecheck = secretRecheck;
  }

  @Override
  public List<EventSource<?, CredentialRoute>> prepareEventSources(
      EventSourceContext<CredentialRoute> context) {
    var routeCache = context.getPrimaryCache();
    configMaps =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, CredentialRoute.class)
                .withNamespacesInheritedFromController()
                .withLabelSelector(RoutesConfigMapPublisher.SELECTOR)
                .withSecondaryToPrimaryMapper(
                    (ConfigMap cm) ->
                        routeCache
                            .list(cm.getMetadata().getNamespace())
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    // the namespace's policy is rendered into the same ConfigMap, so a change re-renders it
    egressPolicies =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(EgressPolicy.class, CredentialRoute.class)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(
                    (EgressPolicy p) ->
                        routeCache
                            .list(p.getMetadata().getNamespace())
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(configMaps, egressPolicies);
  }

  @Override
  public UpdateControl<CredentialRoute> reconcile(
      CredentialRoute route, Context<CredentialRoute> context) {
    String ns = route.getMetadata().getNamespace();
    Publication publication = publishNamespace(ns, context);
    RouteVerdict verdict = publication.verdicts().get(route.getMetadata().getName());
    Condition secret =
        SecretCondition.resolve(
            route.getSpec() == null ? null : route.getSpec().getSecret(),
            new SecretKeyNames(context.getClient(), ns));
    CredentialRouteStatus status =
        RouteStatusComposer.compose(route, verdict, secret, publication.outcome(), clock.instant());
    status.setPodsNeedingRestart(
        verdict != null && verdict.accepted() ? podsNeedingRestart(route, context) : null);
    UpdateControl<CredentialRoute> control;
    if (sameStatus(route.getStatus(), status)) {
      control = UpdateControl.noUpdate();
    } else {
      warnOnNewFailure(route, status, context);
      LOG.info("CredentialRoute {}/{}: {}", ns, route.getMetadata().getName(), summary(status));
      control = UpdateControl.patchStatus(statusPatch(route, status));
    }
    return nextLook(publication, secret, status).map(control::rescheduleAfter).orElse(control);
  }

  /**
   * When to reconcile again for what raises no event here; the soonest of the reasons that hold.
   */
  private Optional<Duration> nextLook(
      Publication publication, Condition secret, CredentialRouteStatus status) {
    Stream.Builder<Duration> after = Stream.builder();
    // a foreign ConfigMap is invisible to the labelled informer
    if (publication.outcome() == RoutesConfigMapPublisher.Outcome.NOT_MANAGED) {
      after.add(NOT_MANAGED_RECHECK);
    }
    // restarted pods raise no event here: look again while some are listed
    if (status.getPodsNeedingRestart() != null) {
      after.add(STALE_PODS_RECHECK);
    }
    // nor do Secrets, which are read by name rather than watched
    if (Conditions.FALSE.equals(secret.getStatus())) {
      after.add(secretRecheck);
    } else if (Conditions.TRUE.equals(secret.getStatus())) {
      after.add(SECRET_FOUND_RECHECK);
    }
    return after.build().min(Comparator.naturalOrder());
  }

  /**
   * Listed on reconcile rather than watched: a pod informer would cache every pod's spec. The API
   * server filters by label, so only the injected pods the route selects are sent, not every pod of
   * the namespace.
   */
  private static List<String> podsNeedingRestart(
      CredentialRoute route, Context<CredentialRoute> context) {
    InjectionRoute hints = RoutesConfigRenderer.hints(route);
    List<Pod> pods =
        context
            .getClient()
            .pods()
            .inNamespace(route.getMetadata().getNamespace())
            .withLabelSelector(StalePods.candidates(hints))
            .list()
            .getItems();
    List<String> stale = StalePods.needingRestart(pods, hints);
    return stale.isEmpty() ? null : stale;
  }

  @Override
  public DeleteControl cleanup(CredentialRoute route, Context<CredentialRoute> context) {
    // the route being deleted carries a deletionTimestamp, so the namespace is judged without it
    publishNamespace(route.getMetadata().getNamespace(), context);
    LOG.info(
        "CredentialRoute {}/{} deleted and unpublished",
        route.getMetadata().getNamespace(),
        route.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  /** The verdicts on a namespace's routes and what publishing its ConfigMap did. */
  private record Publication(
      Map<String, RouteVerdict> verdicts, RoutesConfigMapPublisher.Outcome outcome) {}

  /**
   * One namespace at a time: the routes of a namespace share its ConfigMap, and reconciled in
   * parallel they would race to write it and fail each other's writes.
   */
  private Publication publishNamespace(String ns, Context<CredentialRoute> context) {
    synchronized (namespaceLocks.computeIfAbsent(ns, n -> new Object())) {
      return publishNamespaceLocked(ns, context);
    }
  }

  private Publication publishNamespaceLocked(String ns, Context<CredentialRoute> context) {
    List<CredentialRoute> routes = context.getPrimaryCache().list(ns).toList();
    EgressRules egress =
        NamespaceEgress.effective(
            egressDefault,
            egressPolicies.get(new ResourceID(EgressPolicyNames.SINGLETON_NAME, ns)).orElse(null));
    Function<List<CredentialRoute>, RoutesConfig> render =
        published -> RoutesConfigRenderer.render(published, vault, egress);
    Map<String, RouteVerdict> verdicts =
        ConfigMapSizeLimit.apply(
            VaultRequirement.apply(NamespaceRoutes.evaluate(routes), routes, vault),
            routes,
            render,
            ConfigMapSizeLimit.API_SERVER_LIMIT);
    Set<String> accepted =
        verdicts.values().stream()
            .filter(RouteVerdict::accepted)
            .map(RouteVerdict::name)
            .collect(Collectors.toSet());
    Optional<RoutesConfig> config =
        accepted.isEmpty()
            ? Optional.empty()
            : Optional.of(
                render.apply(
                    routes.stream()
                        .filter(r -> accepted.contains(r.getMetadata().getName()))
                        .toList()));
    RoutesConfigMapPublisher.Outcome outcome =
        new RoutesConfigMapPublisher(context.getClient())
            .publish(ns, config, configMaps.get(new ResourceID(RoutesConfigMap.NAME, ns)));
    metrics.record(outcome);
    return new Publication(verdicts, outcome);
  }

  private void warnOnNewFailure(
      CredentialRoute route, CredentialRouteStatus status, Context<CredentialRoute> context) {
    Condition ready = Conditions.find(status.getConditions(), Conditions.READY).orElseThrow();
    Optional<Condition> before =
        Conditions.find(
            route.getStatus() == null ? null : route.getStatus().getConditions(), Conditions.READY);
    boolean newFailure =
        Conditions.FALSE.equals(ready.getStatus())
            && before
                .map(
                    b ->
                        !Objects.equals(b.getReason(), ready.getReason())
                            || !Objects.equals(b.getMessage(), ready.getMessage()))
                .orElse(true);
    if (newFailure) {
      new RouteEvents(context.getClient()).warn(route, ready.getReason(), ready.getMessage());
    }
  }

  private static boolean sameStatus(CredentialRouteStatus current, CredentialRouteStatus next) {
    return current != null
        && Objects.equals(current.getObservedGeneration(), next.getObservedGeneration())
        && Objects.equals(current.getConditions(), next.getConditions())
        && Objects.equals(current.getPodsNeedingRestart(), next.getPodsNeedingRestart());
  }

  /**
   * A fresh object holding only identity and status: java-operator-sdk patches just the status onto
   * the route it read, and the spec cannot be touched by accident.
   */
  private static CredentialRoute statusPatch(CredentialRoute route, CredentialRouteStatus status) {
    CredentialRoute patch = new CredentialRoute();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(route.getMetadata().getName());
    meta.setNamespace(route.getMetadata().getNamespace());
    patch.setMetadata(meta);
    patch.setStatus(status);
    return patch;
  }

  private static String summary(CredentialRouteStatus status) {
    return status.getConditions().stream()
        .map(c -> c.getType() + "=" + c.getStatus() + "(" + c.getReason() + ")")
        .collect(Collectors.joining(" "));
  }
}

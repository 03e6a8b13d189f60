package dev.keyrelay.operator.egress;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicyStatus;
import dev.keyrelay.operator.route.Conditions;
import dev.keyrelay.operator.route.RouteEvents;
import dev.keyrelay.operator.route.RoutesConfigMapPublisher;
import dev.keyrelay.operator.route.Violation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports an EgressPolicy's status. Rendering is the CredentialRoute reconciler's job (it alone
 * writes the namespace's ConfigMap); this one checks the policy and watches that ConfigMap to say
 * whether the merged rules have reached it.
 */
@ControllerConfiguration(name = EgressPolicyReconciler.NAME)
public class EgressPolicyReconciler implements Reconciler<EgressPolicy> {

  public static final String NAME = "egresspolicy";

  private static final Logger LOG = LoggerFactory.getLogger(EgressPolicyReconciler.class);

  // Events normally bring the next look: the ConfigMap's, the policy's. A reconcile that read a
  // stale cache would leave its status until something else changed, so the policy is looked at
  // again after each status write and while Pending on the CredentialRoute reconciler's write
  // (seen once on the real API server, on a loaded machine: Pending for good after a Ready).
  static final Duration RECHECK = Duration.ofSeconds(2);

  private final Clock clock;
  private final EgressRules egressDefault;
  private InformerEventSource<ConfigMap, EgressPolicy> configMaps;

  public EgressPolicyReconciler(Clock clock, EgressRules egressDefault) {
    this.clock = clock;
    this.egressDefault = egressDefault;
  }

  @Override
  public List<EventSource<?, EgressPolicy>> prepareEventSources(
      EventSourceContext<EgressPolicy> context) {
    var policies = context.getPrimaryCache();
    configMaps =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, EgressPolicy.class)
                .withNamespacesInheritedFromController()
                .withLabelSelector(RoutesConfigMapPublisher.SELECTOR)
                .withSecondaryToPrimaryMapper(
                    (ConfigMap cm) ->
                        policies
                            .list(cm.getMetadata().getNamespace())
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(configMaps);
  }

  @Override
  public UpdateControl<EgressPolicy> reconcile(EgressPolicy policy, Context<EgressPolicy> context) {
    String ns = policy.getMetadata().getNamespace();
    List<Violation> violations = EgressPolicyValidator.validate(policy);
    EgressPolicyStatus status =
        EgressPolicyStatusComposer.compose(
            policy,
            violations,
            NamespaceEgress.effective(egressDefault, policy),
            configMaps.get(new ResourceID(RoutesConfigMap.NAME, ns)),
            clock.instant());
    UpdateControl<EgressPolicy> control = statusControl(policy, status, context);
    return control.isPatchStatus() || pending(status) ? control.rescheduleAfter(RECHECK) : control;
  }

  private static boolean pending(EgressPolicyStatus status) {
    return Conditions.find(status.getConditions(), Conditions.PUBLISHED)
        .map(c -> EgressPolicyStatusComposer.PENDING.equals(c.getReason()))
        .orElse(false);
  }

  private UpdateControl<EgressPolicy> statusControl(
      EgressPolicy policy, EgressPolicyStatus status, Context<EgressPolicy> context) {
    String ns = policy.getMetadata().getNamespace();
    if (policy.getStatus() != null
        && Objects.equals(
            policy.getStatus().getObservedGeneration(), status.getObservedGeneration())
        && Objects.equals(policy.getStatus().getConditions(), status.getConditions())) {
      return UpdateControl.noUpdate();
    }
    Condition valid = Conditions.find(status.getConditions(), Conditions.VALID).orElseThrow();
    Optional<Condition> validBefore =
        Conditions.find(
            policy.getStatus() == null ? null : policy.getStatus().getConditions(),
            Conditions.VALID);
    if (Conditions.FALSE.equals(valid.getStatus())
        && !validBefore
            .map(b -> Objects.equals(b.getMessage(), valid.getMessage()))
            .orElse(false)) {
      new RouteEvents(context.getClient()).warn(policy, valid.getReason(), valid.getMessage());
    }
    LOG.info(
        "EgressPolicy {}/{}: {}",
        ns,
        policy.getMetadata().getName(),
        status.getConditions().stream()
            .map(c -> c.getType() + "=" + c.getStatus() + "(" + c.getReason() + ")")
            .collect(Collectors.joining(" ")));
    EgressPolicy patch = new EgressPolicy();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(policy.getMetadata().getName());
    meta.setNamespace(ns);
    patch.setMetadata(meta);
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
  }
}

package dev.keyrelay.operator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.operator.inject.InjectionRefusedException;
import dev.keyrelay.operator.inject.InjectionResult;
import dev.keyrelay.operator.inject.InjectionRoute;
import dev.keyrelay.operator.inject.InjectionSettings;
import dev.keyrelay.operator.inject.PodInjector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one AdmissionReview v1 for a pod: a JSONPatch when the pod is injected, a refusal with
 * the injector's message when its annotations cannot be honoured, and "allowed, unchanged" for
 * everything else (other kinds, other operations than CREATE, excluded namespaces).
 */
public final class AdmissionReviewHandler {

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionReviewHandler.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final RoutesSource routes;
  private final Supplier<InjectionSettings> settings;
  private final Set<String> excludedNamespaces;
  private final WebhookMetrics metrics;
  private final SecretAccessCheck secretAccess;
  private final InjectionEvents events;

  /**
   * @param settings the injection settings, read per admission (native mode follows the nodes)
   * @param excludedNamespaces never injected: kube-system and the operator's own namespace
   * @param secretAccess warns when the pod's service account can read a route's Secret; null to
   *     skip the check
   * @param events records Injected and InjectionSkipped on the pod's owner; null to skip
   */
  public AdmissionReviewHandler(
      RoutesSource routes,
      Supplier<InjectionSettings> settings,
      Set<String> excludedNamespaces,
      MeterRegistry registry,
      SecretAccessCheck secretAccess,
      InjectionEvents events) {
    this.secretAccess = secretAccess;
    this.events = events;
    this.routes = routes;
    this.settings = settings;
    this.excludedNamespaces = Set.copyOf(excludedNamespaces);
    this.metrics = new WebhookMetrics(registry);
  }

  /**
   * @throws IllegalArgumentException when the body is not an AdmissionReview with a request
   */
  public String handle(String body) {
    long start = System.nanoTime();
    AdmissionReview review;
    try {
      review = SERIALIZATION.unmarshal(body, AdmissionReview.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("body is not an AdmissionReview: " + e.getMessage(), e);
    }
    AdmissionRequest request = review == null ? null : review.getRequest();
    if (request == null || request.getUid() == null) {
      throw new IllegalArgumentException("body is not an AdmissionReview with a request and uid");
    }
    AdmissionResponseBuilder response = new AdmissionResponseBuilder().withUid(request.getUid());
    AdmissionOutcome outcome;
    try {
      outcome = decide(request, response);
    } catch (RuntimeException e) {
      metrics.record(AdmissionOutcome.ERROR, Duration.ofNanos(System.nanoTime() - start));
      throw e;
    }
    metrics.record(outcome, Duration.ofNanos(System.nanoTime() - start));
    LOG.debug(
        "Admission {} of pod {}/{}: {}",
        request.getUid(),
        request.getNamespace(),
        request.getName(),
        outcome.tag());
    AdmissionReview answer =
        new AdmissionReviewBuilder()
            .withApiVersion("admission.k8s.io/v1")
            .withKind("AdmissionReview")
            .withResponse(response.build())
            .build();
    return SERIALIZATION.asJson(answer);
  }

  private AdmissionOutcome decide(AdmissionRequest request, AdmissionResponseBuilder response) {
    response.withAllowed(true);
    boolean isPod = request.getKind() != null && "Pod".equals(request.getKind().getKind());
    if (!isPod
        || !"CREATE".equals(request.getOperation())
        || request.getObject() == null
        || excludedNamespaces.contains(request.getNamespace())) {
      return AdmissionOutcome.IGNORED;
    }
    Pod pod = SERIALIZATION.convertValue(request.getObject(), Pod.class);
    List<InjectionRoute> published = List.of();
    InjectionResult result;
    try {
      published = routes.routes(request.getNamespace());
      result = PodInjector.inject(pod, published, settings.get());
    } catch (InjectionRefusedException e) {
      if (!PodInjector.optsIn(pod)) {
        return AdmissionOutcome.NOT_OPTED_IN; // untrusted routes concern opted-in pods only
      }
      if (events != null && !Boolean.TRUE.equals(request.getDryRun())) {
        events.skipped(request.getNamespace(), pod, e.getMessage());
      }
      response
          .withAllowed(false)
          .withStatus(
              new StatusBuilder().withCode(403).withMessage("keyrelay: " + e.getMessage()).build());
      return AdmissionOutcome.REFUSED;
    }
    if (result.outcome() != InjectionResult.Outcome.INJECTED) {
      return result.outcome() == InjectionResult.Outcome.NOT_OPTED_IN
          ? AdmissionOutcome.NOT_OPTED_IN
          : AdmissionOutcome.ALREADY_INJECTED;
    }
    JsonNode patch = PodPatch.between(pod, result.pod());
    List<String> warnings = new ArrayList<>(result.warnings());
    warnings.addAll(secretWarnings(request.getNamespace(), pod, published, result.routes()));
    response
        .withPatchType("JSONPatch")
        .withPatch(
            Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)))
        .withWarnings(warnings.isEmpty() ? null : warnings);
    if (events != null && !Boolean.TRUE.equals(request.getDryRun())) {
      events.injected(request.getNamespace(), pod, result.routes());
    }
    return AdmissionOutcome.INJECTED;
  }

  private List<String> secretWarnings(
      String namespace, Pod pod, List<InjectionRoute> published, List<String> applied) {
    if (secretAccess == null) {
      return List.of();
    }
    Set<String> secrets = new TreeSet<>();
    published.stream()
        .filter(r -> applied.contains(r.name()) && r.secretName() != null)
        .forEach(r -> secrets.add(r.secretName()));
    if (secrets.isEmpty()) {
      return List.of();
    }
    String account = Objects.requireNonNullElse(pod.getSpec().getServiceAccountName(), "default");
    return secretAccess.readable(namespace, account, secrets).stream()
        .map(
            s ->
                "service account "
                    + account
                    + " can get Secret "
                    + s
                    + " itself: the agent could read the real credential and bypass keyrelay")
        .toList();
  }
}

package dev.keyrelay.operator.route;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Warning events on a CredentialRoute or EgressPolicy so {@code kubectl describe} shows why
 * it is not ready.
 */
public final class RouteEvents {

  private static final Logger LOG = LoggerFactory.getLogger(RouteEvents.class);
  private static final String COMPONENT = "keyrelay-operator";

  private final KubernetesClient client;

  public RouteEvents(KubernetesClient client) {
    this.client = client;
  }

  /** Best effort: a failed event write is logged, never fails the reconcile. */
  public void warn(HasMetadata resource, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String ns = resource.getMetadata().getNamespace();
    try {
      client
          .v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName(resource.getMetadata().getName() + ".")
                  .withNamespace(ns)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(resource.getApiVersion())
                          .withKind(resource.getKind())
                          .withName(resource.getMetadata().getName())
                          .withNamespace(ns)
                          .withUid(resource.getMetadata().getUid())
                          .withResourceVersion(resource.getMetadata().getResourceVersion())
                          .build())
                  .withType("Warning")
                  .withReason(reason)
                  .withMessage(message)
                  .withCount(1)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Could not record event {} for {} {}/{}: {}",
          reason,
          resource.getKind(),
          ns,
          resource.getMetadata().getName(),
          e.getMessage());
    }
  }
}

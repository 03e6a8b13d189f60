package dev.keyrelay.operator.webhook;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@code Injected} and {@code InjectionSkipped} Events on the pod's controller (a pod being
 * admitted has no uid yet, and its owner is what users describe). Written in the background, so
 * admission never waits on it; never for dry-run requests.
 */
public final class InjectionEvents implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InjectionEvents.class);
  private static final String COMPONENT = "keyrelay-webhook";

  private final KubernetesClient client;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "keyrelay-webhook-events"));

  public InjectionEvents(KubernetesClient client) {
    this.client = client;
  }

  void injected(String namespace, Pod pod, List<String> routes) {
    record(namespace, pod, "Normal", "Injected", "keyrelay sidecar injected with routes " + routes);
  }

  void skipped(String namespace, Pod pod, String reason) {
    record(namespace, pod, "Warning", "InjectionSkipped", reason);
  }

  private void record(String namespace, Pod pod, String type, String reason, String message) {
    ObjectReference target = target(namespace, pod);
    String now = Instant.now().toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(target.getName() + "." + UUID.randomUUID())
            .withNamespace(namespace)
            .endMetadata()
            .withInvolvedObject(target)
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .build();
    writer.execute(
        () -> {
          try {
            client.v1().events().inNamespace(namespace).resource(event).create();
          } catch (RuntimeException e) {
            LOG.warn(
                "Recording event {} on {}/{} failed: {}", reason, namespace, target.getName(), e);
          }
        });
  }

  private static ObjectReference target(String namespace, Pod pod) {
    List<OwnerReference> owners =
        Objects.requireNonNullElse(pod.getMetadata().getOwnerReferences(), List.of());
    for (OwnerReference owner : owners) {
      if (Boolean.TRUE.equals(owner.getController())) {
        return new ObjectReferenceBuilder()
            .withApiVersion(owner.getApiVersion())
            .withKind(owner.getKind())
            .withName(owner.getName())
            .withUid(owner.getUid())
            .withNamespace(namespace)
            .build();
      }
    }
    String name =
        pod.getMetadata().getName() != null
            ? pod.getMetadata().getName()
            : Objects.requireNonNullElse(pod.getMetadata().getGenerateName(), "pod");
    return new ObjectReferenceBuilder()
        .withApiVersion("v1")
        .withKind("Pod")
        .withName(name)
        .withNamespace(namespace)
        .build();
  }

  @Override
  public void close() {
    writer.shutdown();
  }
}

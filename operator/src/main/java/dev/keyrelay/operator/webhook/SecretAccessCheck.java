package dev.keyrelay.operator.webhook;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the API server (SubjectAccessReview) whether a pod's service account can itself {@code get}
 * the Secrets its routes use: if it can, the agent could read the real credential. Bounded by a
 * short timeout; any failure means "no answer", never a refused pod.
 */
public class SecretAccessCheck {

  private static final Logger LOG = LoggerFactory.getLogger(SecretAccessCheck.class);

  private final KubernetesClient client;
  private final Duration timeout;

  public SecretAccessCheck(KubernetesClient client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  /** The Secrets among {@code secrets} the service account may get; empty when unknown. */
  public List<String> readable(
      String namespace, String serviceAccount, Collection<String> secrets) {
    List<CompletableFuture<String>> checks =
        secrets.stream()
            .map(
                s ->
                    CompletableFuture.supplyAsync(
                        () -> allowed(namespace, serviceAccount, s) ? s : null))
            .toList();
    try {
      CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return checks.stream().map(CompletableFuture::join).filter(s -> s != null).sorted().toList();
    } catch (TimeoutException | ExecutionException e) {
      LOG.debug("SubjectAccessReview for {}/{} gave no answer: {}", namespace, serviceAccount, e);
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private boolean allowed(String namespace, String serviceAccount, String secret) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser("system:serviceaccount:" + namespace + ":" + serviceAccount)
            .withGroups(
                "system:serviceaccounts",
                "system:serviceaccounts:" + namespace,
                "system:authenticated")
            .withNewResourceAttributes()
            .withNamespace(namespace)
            .withVerb("get")
            .withResource("secrets")
            .withName(secret)
            .endResourceAttributes()
            .endSpec()
            .build();
    SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
    return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }
}

package dev.keyrelay.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.operator.inject.InjectFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionReviewHandlerTest {

  @Test
  void anUnexpectedFailureIsCountedAsAnErrorAndPropagates() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AdmissionReviewHandler handler =
        new AdmissionReviewHandler(
            ns -> {
              throw new IllegalStateException("cache broken");
            },
            () -> InjectFixtures.SETTINGS,
            Set.of(),
            registry,
            null,
            null);
    String review =
        AdmissionReviews.review("CREATE", "agents", InjectFixtures.tree("agent-pod.yaml"), null)
            .toString();

    assertThatThrownBy(() -> handler.handle(review)).hasMessage("cache broken");
    assertThat(
            registry.get("keyrelay.webhook.admissions").tag("outcome", "error").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void aBodyWithoutARequestIsRejectedAsMalformed() {
    AdmissionReviewHandler handler =
        new AdmissionReviewHandler(
            ns -> InjectFixtures.routes(),
            () -> InjectFixtures.SETTINGS,
            Set.of(),
            new SimpleMeterRegistry(),
            null,
            null);
    assertThatThrownBy(() -> handler.handle("{\"apiVersion\":\"admission.k8s.io/v1\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("request and uid");
  }
}

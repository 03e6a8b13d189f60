package dev.keyrelay.operator.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The webhook's meters: admissions by outcome and how long each took. */
final class WebhookMetrics {

  private final MeterRegistry registry;
  private final Timer latency;

  WebhookMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.latency =
        Timer.builder("keyrelay.webhook.admission.duration")
            .description("Time to answer one AdmissionReview")
            .publishPercentileHistogram()
            .register(registry);
  }

  void record(AdmissionOutcome outcome, Duration took) {
    Counter.builder("keyrelay.webhook.admissions")
        .description("AdmissionReviews answered, by outcome")
        .tag("outcome", outcome.tag())
        .register(registry)
        .increment();
    latency.record(took);
  }
}

package dev.keyrelay.sidecar.egress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The egress guard's meters. */
final class EgressMetrics {

  private final MeterRegistry registry;

  EgressMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts one refusal; {@code kind} must come from a small fixed set (a metric tag). */
  void denied(String kind) {
    Counter.builder("keyrelay.egress.denied")
        .description("Connections matching no route refused by the egress policy")
        .tag("reason", kind)
        .register(registry)
        .increment();
  }
}

package dev.keyrelay.sidecar.secrets;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The secret resolver's meters. */
final class SecretMetrics {

  private final MeterRegistry registry;

  SecretMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts one read; {@code outcome} is "ok" or "unavailable". */
  void read(String route, String source, String outcome) {
    Counter.builder("keyrelay.secret.reads")
        .description("Secret reads for routes, by source and outcome")
        .tag("route", route)
        .tag("source", source)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}

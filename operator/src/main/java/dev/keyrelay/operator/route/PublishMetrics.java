package dev.keyrelay.operator.route;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts what publishing the routes ConfigMap did, by outcome (created, updated, deleted,
 * unchanged).
 */
public final class PublishMetrics {

  private final Map<RoutesConfigMapPublisher.Outcome, Counter> counters =
      new EnumMap<>(RoutesConfigMapPublisher.Outcome.class);

  public PublishMetrics(MeterRegistry registry) {
    for (RoutesConfigMapPublisher.Outcome outcome : RoutesConfigMapPublisher.Outcome.values()) {
      counters.put(
          outcome,
          Counter.builder("keyrelay.operator.configmap.publishes")
              .description("Publications of a namespace's keyrelay-routes ConfigMap, by outcome")
              .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
  }

  void record(RoutesConfigMapPublisher.Outcome outcome) {
    counters.get(outcome).increment();
  }

  public double count(RoutesConfigMapPublisher.Outcome outcome) {
    return counters.get(outcome).count();
  }
}

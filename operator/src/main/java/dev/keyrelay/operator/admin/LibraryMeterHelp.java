package dev.keyrelay.operator.admin;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Gives the meters that java-operator-sdk registers without a description one, so every metric on
 * the scrape has a HELP line (Prometheus's linter, {@code promtool check metrics}, requires it).
 */
public final class LibraryMeterHelp implements MeterFilter {

  @Override
  public Meter.Id map(Meter.Id id) {
    if (id.getDescription() != null || !id.getName().startsWith("operator.sdk")) {
      return id;
    }
    return new Meter.Id(
        id.getName(),
        Tags.of(id.getTagsAsIterable()),
        id.getBaseUnit(),
        "java-operator-sdk " + id.getName().substring("operator.sdk.".length()).replace('.', ' '),
        id.getType());
  }
}

package dev.keyrelay.operator.route;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** Condition types, statuses and the bookkeeping that keeps transition times stable. */
public final class Conditions {

  public static final String VALID = "Valid";
  public static final String SECRET_RESOLVED = "SecretResolved";
  public static final String PUBLISHED = "Published";
  public static final String READY = "Ready";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}

  /** A condition without transition time or generation; {@link #stamp} adds them. */
  public static Condition of(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  public static Condition of(String type, boolean status, String reason, String message) {
    return of(type, status ? TRUE : FALSE, reason, message);
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * Sets generation and transition time: the previous time is kept while the status is unchanged,
   * so an unchanged route produces an identical status and no write.
   */
  public static Condition stamp(
      Condition next, List<Condition> previous, long generation, Instant now) {
    String since =
        find(previous, next.getType())
            .filter(
                p -> p.getStatus().equals(next.getStatus()) && p.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder(next)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }
}

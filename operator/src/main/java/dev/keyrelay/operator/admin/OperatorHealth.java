package dev.keyrelay.operator.admin;

import java.util.Optional;

/** What the health endpoints ask of the running operator. */
public interface OperatorHealth {

  /** Whether the operator has started and not stopped. */
  boolean live();

  /** Why the operator is not ready (for example an informer that lost its watch), if it is not. */
  Optional<String> notReadyReason();
}

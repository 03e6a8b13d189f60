package dev.keyrelay.operator.webhook;

import java.util.Locale;

/** How one admission ended, as counted in {@code keyrelay_webhook_admissions_total}. */
enum AdmissionOutcome {
  INJECTED,
  NOT_OPTED_IN,
  ALREADY_INJECTED,
  IGNORED,
  REFUSED,
  ERROR;

  String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}

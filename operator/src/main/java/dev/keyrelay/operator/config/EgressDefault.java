package dev.keyrelay.operator.config;

import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.egress.EgressPolicyValidator;
import dev.keyrelay.operator.egress.EgressRules;
import dev.keyrelay.operator.route.Violation;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The cluster-wide egress default (the chart's {@code egress.default}), read from {@code
 * KEYRELAY_EGRESS_DEFAULT_MODE} (open or allowList, default open) and the comma-separated {@code
 * KEYRELAY_EGRESS_DEFAULT_ALLOW}, {@code _BLOCK} and {@code _EXCEPTIONS}, with the checks an
 * EgressPolicy gets.
 */
final class EgressDefault {

  static final String PREFIX = "KEYRELAY_EGRESS_DEFAULT_";

  private EgressDefault() {}

  /**
   * @throws IllegalArgumentException naming the variable, for a bad mode or entry
   */
  static EgressRules read(Environment env) {
    String modeText = env.string(PREFIX + "MODE", "open");
    EgressMode mode =
        switch (modeText) {
          case "open" -> EgressMode.OPEN;
          case "allowList" -> EgressMode.ALLOW_LIST;
          default ->
              throw new IllegalArgumentException(
                  PREFIX + "MODE: \"" + modeText + "\" is not valid; expected open or allowList");
        };
    List<String> allow = list(env, "ALLOW");
    List<String> block = list(env, "BLOCK");
    List<String> exceptions = list(env, "EXCEPTIONS");
    List<Violation> problems =
        EgressPolicyValidator.rules(
            mode, allow.isEmpty() ? null : allow, block, exceptions, PREFIX);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          problems.stream()
              .map(v -> v.field().toUpperCase(Locale.ROOT) + ": " + v.problem())
              .collect(Collectors.joining("; ")));
    }
    return new EgressRules(mode, allow, block, exceptions);
  }

  private static List<String> list(Environment env, String name) {
    return Arrays.stream(env.string(PREFIX + name, "").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}

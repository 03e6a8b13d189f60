package dev.keyrelay.operator.route;

import dev.keyrelay.contract.HttpTokens;
import dev.keyrelay.contract.PathPattern;
import dev.keyrelay.operator.api.v1alpha1.HttpLimitsSpec;
import dev.keyrelay.operator.api.v1alpha1.HttpRuleSpec;
import java.util.List;

/**
 * The rules for {@code spec.http.rules} and {@code spec.http.limits}; path patterns are parsed with
 * the sidecar's own grammar, so a route the operator accepts is one the sidecar loads.
 */
final class HttpPolicyValidator {

  private HttpPolicyValidator() {}

  static void validate(List<HttpRuleSpec> rules, HttpLimitsSpec limits, Violations v) {
    if (rules != null) {
      v.check(!rules.isEmpty(), "spec.http.rules", "must not be empty: leave it out to allow all");
      for (int i = 0; i < rules.size(); i++) {
        rule(rules.get(i), "spec.http.rules[" + i + "]", v);
      }
    }
    if (limits != null) {
      v.check(
          limits.getRequestsPerMinute() != null || limits.getConcurrent() != null,
          "spec.http.limits",
          "needs requestsPerMinute, concurrent or both");
      positive(limits.getRequestsPerMinute(), "spec.http.limits.requestsPerMinute", v);
      positive(limits.getConcurrent(), "spec.http.limits.concurrent", v);
    }
  }

  private static void rule(HttpRuleSpec rule, String field, Violations v) {
    if (!v.check(rule != null, field, "must not be null")) {
      return;
    }
    v.check(
        rule.getMethods() != null || rule.getPaths() != null,
        field,
        "needs methods, paths or both");
    if (rule.getMethods() != null) {
      v.check(!rule.getMethods().isEmpty(), field + ".methods", "must not be empty");
      for (int i = 0; i < rule.getMethods().size(); i++) {
        String method = rule.getMethods().get(i);
        v.check(
            method != null && HttpTokens.isMethod(method),
            field + ".methods[" + i + "]",
            "must be an HTTP method in upper case, such as GET");
      }
    }
    if (rule.getPaths() != null) {
      v.check(!rule.getPaths().isEmpty(), field + ".paths", "must not be empty");
      for (int i = 0; i < rule.getPaths().size(); i++) {
        pattern(rule.getPaths().get(i), field + ".paths[" + i + "]", v);
      }
    }
  }

  private static void pattern(String text, String field, Violations v) {
    try {
      PathPattern.parse(text);
    } catch (IllegalArgumentException e) {
      v.check(false, field, e.getMessage());
    }
  }

  private static void positive(Integer value, String field, Violations v) {
    v.check(value == null || value >= 1, field, "must be at least 1");
  }
}

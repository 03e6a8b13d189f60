package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.HttpTokens;
import dev.keyrelay.contract.PathPattern;
import dev.keyrelay.sidecar.policy.RequestRule;
import dev.keyrelay.sidecar.policy.RouteLimits;
import dev.keyrelay.sidecar.policy.RoutePolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Validates a route's {@code rules} and {@code limits} into its {@link RoutePolicy}. */
final class RoutePolicyParser {

  private RoutePolicyParser() {}

  static RoutePolicy parse(
      List<RawConfig.Rule> rawRules, RawConfig.Limits rawLimits, String path, Problems problems) {
    List<RequestRule> rules = new ArrayList<>();
    if (rawRules != null) {
      if (rawRules.isEmpty()) {
        problems.add(path + ".rules", "must not be empty: leave it out to allow every request");
      }
      for (int i = 0; i < rawRules.size(); i++) {
        RequestRule rule = rule(rawRules.get(i), path + ".rules[" + i + "]", problems);
        if (rule != null) {
          rules.add(rule);
        }
      }
    }
    RouteLimits limits = rawLimits == null ? RouteLimits.NONE : limits(rawLimits, path, problems);
    return rules.isEmpty() && !limits.any() ? RoutePolicy.OPEN : new RoutePolicy(rules, limits);
  }

  private static RequestRule rule(RawConfig.Rule raw, String path, Problems problems) {
    if (raw == null) {
      problems.add(path, "must be a mapping, not null");
      return null;
    }
    if (raw.methods() == null && raw.paths() == null) {
      problems.add(path, "needs methods, paths or both");
      return null;
    }
    int before = problems.count();
    Set<String> methods = new LinkedHashSet<>();
    List<String> rawMethods = raw.methods() == null ? List.of() : raw.methods();
    if (raw.methods() != null && rawMethods.isEmpty()) {
      problems.add(path + ".methods", "must not be empty: leave it out to allow every method");
    }
    for (int i = 0; i < rawMethods.size(); i++) {
      String method = rawMethods.get(i);
      if (method == null || !HttpTokens.isMethod(method)) {
        problems.add(
            path + ".methods[" + i + "]", "must be an HTTP method in upper case, such as GET");
      } else {
        methods.add(method);
      }
    }
    List<PathPattern> patterns = new ArrayList<>();
    List<String> rawPaths = raw.paths() == null ? List.of() : raw.paths();
    if (raw.paths() != null && rawPaths.isEmpty()) {
      problems.add(path + ".paths", "must not be empty: leave it out to allow every path");
    }
    for (int i = 0; i < rawPaths.size(); i++) {
      String text = rawPaths.get(i);
      PathPattern pattern =
          problems.attempt(path + ".paths[" + i + "]", () -> PathPattern.parse(text));
      if (pattern != null) {
        patterns.add(pattern);
      }
    }
    return problems.count() == before ? new RequestRule(methods, patterns) : null;
  }

  private static RouteLimits limits(RawConfig.Limits raw, String path, Problems problems) {
    Integer perMinute = raw.requestsPerMinute();
    Integer concurrent = raw.concurrent();
    if (perMinute == null && concurrent == null) {
      problems.add(path + ".limits", "needs requestsPerMinute, concurrent or both");
    }
    if (perMinute != null && perMinute < 1) {
      problems.add(path + ".limits.requestsPerMinute", "must be at least 1");
    }
    if (concurrent != null && concurrent < 1) {
      problems.add(path + ".limits.concurrent", "must be at least 1");
    }
    return new RouteLimits(
        perMinute == null || perMinute < 1 ? 0 : perMinute,
        concurrent == null || concurrent < 1 ? 0 : concurrent);
  }
}

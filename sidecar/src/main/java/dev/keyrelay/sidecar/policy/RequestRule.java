package dev.keyrelay.sidecar.policy;

import dev.keyrelay.contract.NormalizedPath;
import dev.keyrelay.contract.PathPattern;
import java.util.List;
import java.util.Set;

/**
 * One allow rule of a route: a request matches when its method is one of {@code methods} (any
 * method when empty) and its normalised path matches one of {@code paths} (any path when empty).
 */
public record RequestRule(Set<String> methods, List<PathPattern> paths) {

  public RequestRule {
    methods = Set.copyOf(methods);
    paths = List.copyOf(paths);
  }

  public boolean matches(String method, NormalizedPath path) {
    if (!methods.isEmpty() && !methods.contains(method)) {
      return false;
    }
    if (paths.isEmpty()) {
      return true;
    }
    for (PathPattern pattern : paths) {
      if (pattern.matches(path)) {
        return true;
      }
    }
    return false;
  }
}

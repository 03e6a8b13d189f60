package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.PodAnnotations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides which routes and listeners apply to this pod: those whose selector matches its labels
 * and, when it carries {@code keyrelay.dev/routes}, that the annotation names.
 *
 * @param labels the pod's labels
 * @param named the names in {@code keyrelay.dev/routes}, or null when the pod does not narrow
 */
record PodScope(Map<String, String> labels, Set<String> named) {

  /** No pod block: every route applies, whatever its selector. */
  static final PodScope EVERY_ROUTE = new PodScope(null, null);

  boolean admits(String name, PodSelector selector) {
    return exclusion(name, selector) == null;
  }

  /** Why the route or listener {@code name} does not apply to this pod, or null when it does. */
  String exclusion(String name, PodSelector selector) {
    if (labels == null) {
      return null;
    }
    if (!selector.matches(labels)) {
      return "its podSelector does not match this pod's labels";
    }
    if (named != null && (name == null || !named.contains(name))) {
      return "this pod's " + PodAnnotations.ROUTES + " annotation does not name it";
    }
    return null;
  }

  /**
   * Reads both files. One that cannot be read or parsed is a problem naming its field; the load
   * then fails, and the routes are meanwhile validated as if all applied.
   */
  static PodScope read(PodSettings pod, Problems problems) {
    Map<String, String> labels = entries(pod.labelsFile(), "pod.labelsFile", problems);
    Map<String, String> annotations =
        entries(pod.annotationsFile(), "pod.annotationsFile", problems);
    if (labels == null || annotations == null) {
      return EVERY_ROUTE;
    }
    String routes = annotations.get(PodAnnotations.ROUTES);
    Set<String> named =
        routes == null
            ? null
            : Arrays.stream(routes.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    return new PodScope(Map.copyOf(labels), named);
  }

  private static Map<String, String> entries(Path file, String field, Problems problems) {
    String content;
    try {
      content = Files.readString(file);
    } catch (IOException e) {
      problems.add(field, file + " cannot be read (" + e.getClass().getSimpleName() + ")");
      return null;
    }
    return problems.attempt(field, () -> DownwardApiFile.parse(content));
  }
}

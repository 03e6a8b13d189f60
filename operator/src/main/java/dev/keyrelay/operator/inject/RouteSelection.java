package dev.keyrelay.operator.inject;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Chooses the routes a pod gets: those whose selector matches it, narrowed by its annotation. */
final class RouteSelection {

  private RouteSelection() {}

  /**
   * @param wanted the names from {@code keyrelay.dev/routes}, or null for every selecting route
   * @throws InjectionRefusedException when a wanted route does not exist or does not select the pod
   */
  static List<InjectionRoute> select(
      List<InjectionRoute> published, Map<String, String> labels, List<String> wanted) {
    List<InjectionRoute> selecting =
        published.stream()
            .filter(r -> LabelSelectors.matches(r.podSelector(), labels))
            .sorted(Comparator.comparing(InjectionRoute::name))
            .toList();
    if (wanted == null) {
      return selecting;
    }
    Set<String> available = new TreeSet<>();
    selecting.forEach(r -> available.add(r.name()));
    for (String name : wanted) {
      if (!available.contains(name)) {
        throw new InjectionRefusedException(
            InjectionAnnotations.ROUTES
                + " names route \""
                + name
                + "\", which is not published in this namespace or does not select this pod;"
                + " routes that select it: "
                + available);
      }
    }
    return selecting.stream().filter(r -> wanted.contains(r.name())).toList();
  }
}

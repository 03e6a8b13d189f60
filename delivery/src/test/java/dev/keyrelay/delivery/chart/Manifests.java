package dev.keyrelay.delivery.chart;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The typed objects of one render, with the look-ups the chart tests share. */
record Manifests(List<HasMetadata> objects) {

  Manifests {
    objects = List.copyOf(objects);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The only object of this type; fails when there is none or more than one. */
  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + type.getSimpleName() + ", found " + found.size() + " in " + ids());
    }
    return found.get(0);
  }

  <T extends HasMetadata> T named(Class<T> type, String name) {
    return all(type).stream()
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + ids()));
  }

  /** "Kind name" for cluster-scoped objects, "Kind namespace/name" for namespaced ones. */
  Set<String> ids() {
    Set<String> ids = new TreeSet<>();
    for (HasMetadata o : objects) {
      String ns = o.getMetadata().getNamespace();
      ids.add(o.getKind() + " " + (ns == null ? "" : ns + "/") + o.getMetadata().getName());
    }
    return ids;
  }

  Container operatorContainer() {
    return one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** The operator's literal environment variables (those from the downward API are left out). */
  Map<String, String> operatorEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : operatorContainer().getEnv()) {
      if (var.getValueFrom() == null) {
        env.put(var.getName(), var.getValue());
      }
    }
    return env;
  }
}

package dev.keyrelay.operator.inject;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Reads the {@code injection.yaml} key of the published routes ConfigMap. */
public final class InjectionRoutes {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private InjectionRoutes() {}

  /** A null or blank document means no routes. */
  public static List<InjectionRoute> parse(String injectionYaml) {
    if (injectionYaml == null || injectionYaml.isBlank()) {
      return List.of();
    }
    try {
      Document doc = YAML.readValue(injectionYaml, Document.class);
      return doc.routes() == null ? List.of() : doc.routes().stream().map(Entry::toRoute).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("injection.yaml is not readable: " + e.getMessage(), e);
    }
  }

  private record Document(List<Entry> routes) {}

  private record Trust(String configMap, String secret) {}

  private record Entry(
      String name,
      LabelSelector podSelector,
      Map<String, String> agentEnv,
      String secretName,
      boolean vault,
      Trust trust) {

    InjectionRoute toRoute() {
      return new InjectionRoute(
          name,
          podSelector,
          agentEnv,
          secretName,
          vault,
          trust == null ? null : trust.configMap(),
          trust == null ? null : trust.secret());
    }
  }
}

package dev.keyrelay.operator.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test fixtures under {@code src/test/resources/inject/}: pods, published routes, settings. */
public final class InjectFixtures {

  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Fixed settings, so golden files do not depend on the environment. */
  public static final InjectionSettings SETTINGS =
      new InjectionSettings(
          "ghcr.io/keyrelay/keyrelay-sidecar:0.1.0",
          null,
          true,
          SidecarResources.DEFAULTS,
          "INFO",
          List.of("kubernetes.default", "10.96.0.1"),
          false,
          true,
          new EgressEnforcement(
              false,
              List.of("10.96.0.0/12", "10.244.0.0/16"),
              List.of(5432),
              "registry.example/keyrelay-init:1.2.3"));

  private InjectFixtures() {}

  public static String text(String name) {
    try (InputStream in = InjectFixtures.class.getResourceAsStream("/inject/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Pod pod(String name) {
    return SERIALIZATION.unmarshal(text(name), Pod.class);
  }

  public static JsonNode tree(String name) {
    try {
      return YAML.readTree(text(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<InjectionRoute> routes() {
    return InjectionRoutes.parse(text("routes-injection.yaml"));
  }
}

package dev.keyrelay.operator.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.contract.PodLayout;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.api.v1alpha1.CredentialRouteSpec;
import dev.keyrelay.operator.api.v1alpha1.KeyRef;
import dev.keyrelay.operator.api.v1alpha1.KeySource;
import dev.keyrelay.operator.config.VaultConnection;
import dev.keyrelay.operator.config.Yaml;
import dev.keyrelay.operator.egress.EgressRules;
import dev.keyrelay.operator.inject.InjectionRoute;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders accepted routes into the sidecar's YAML config and the webhook's injection hints. Output
 * is deterministic: entries sorted by name, keys in a fixed order, so the same routes give
 * byte-identical text and the ConfigMap never churns.
 */
public final class RoutesConfigRenderer {

  private static final ObjectMapper YAML = Yaml.MAPPER;

  private RoutesConfigRenderer() {}

  public static RoutesConfig render(Collection<CredentialRoute> accepted) {
    return render(accepted, null);
  }

  /**
   * @param vault rendered as the sidecar's {@code vault:} block when a route reads from Vault (the
   *     sidecar refuses a config with Vault secrets and no such block); may be null
   */
  public static RoutesConfig render(Collection<CredentialRoute> accepted, VaultConnection vault) {
    return render(accepted, vault, null);
  }

  /**
   * @param egress the namespace's merged egress rules, rendered as the sidecar's {@code egress:}
   *     block; null leaves the sidecar's own defaults (the offline command has no cluster policy)
   */
  public static RoutesConfig render(
      Collection<CredentialRoute> accepted, VaultConnection vault, EgressRules egress) {
    List<CredentialRoute> sorted =
        accepted.stream().sorted(Comparator.comparing(r -> r.getMetadata().getName())).toList();
    List<Object> routes = new ArrayList<>();
    List<Object> listeners = new ArrayList<>();
    List<Object> injection = new ArrayList<>();
    for (CredentialRoute route : sorted) {
      String name = route.getMetadata().getName();
      CredentialRouteSpec spec = route.getSpec();
      if (spec.getHttp() != null) {
        routes.add(SidecarEntries.route(name, spec));
      } else {
        listeners.add(SidecarEntries.listener(name, spec));
      }
      injection.add(injectionEntry(hints(route)));
    }
    Map<String, Object> sidecar = new LinkedHashMap<>();
    // Probes reach the admin port from the node; the proxy stays on its loopback default.
    sidecar.put("admin", Map.of("listen", "0.0.0.0:" + PodLayout.ADMIN_PORT));
    Map<String, Object> ca = new LinkedHashMap<>();
    ca.put("dir", PodLayout.CA_DIR);
    ca.put("keyFile", PodLayout.CA_KEY_FILE);
    sidecar.put("ca", ca);
    // Each sidecar applies only the routes and listeners whose podSelector matches its own pod.
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("labelsFile", PodLayout.LABELS_FILE);
    pod.put("annotationsFile", PodLayout.ANNOTATIONS_FILE);
    sidecar.put("pod", pod);
    sidecar.put("secrets", Map.of("kubernetesMountRoot", PodLayout.SECRETS_ROOT));
    boolean usesVault =
        sorted.stream().anyMatch(r -> SecretKeys.usesVault(r.getSpec().getSecret()));
    if (vault != null && usesVault) {
      sidecar.put("vault", vaultBlock(vault));
    }
    if (egress != null) {
      sidecar.put("egress", egress.sidecarBlock());
    }
    sidecar.put("routes", routes);
    sidecar.put("listeners", listeners);
    return new RoutesConfig(write(sidecar), write(Map.of("routes", injection)));
  }

  private static Map<String, Object> vaultBlock(VaultConnection vault) {
    Map<String, Object> kubernetes = new LinkedHashMap<>();
    kubernetes.put("role", vault.role());
    kubernetes.put("tokenFile", PodLayout.VAULT_TOKEN_FILE);
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("address", vault.address());
    block.put("auth", Map.of("kubernetes", kubernetes));
    return block;
  }

  public static InjectionRoute hints(CredentialRoute route) {
    CredentialRouteSpec spec = route.getSpec();
    List<KeyRef> keys = SecretKeys.of(spec.getSecret());
    KeySource trust =
        spec.getHttp() != null
            ? spec.getHttp().getUpstreamCa()
            : spec.getPostgres().getUpstream().getCa();
    return new InjectionRoute(
        route.getMetadata().getName(),
        spec.getPodSelector(),
        spec.getAgentEnv(),
        // Validation keeps the keys of one route in one Secret.
        keys.isEmpty() ? null : keys.get(0).getName(),
        SecretKeys.usesVault(spec.getSecret()),
        trust != null && trust.getConfigMapKeyRef() != null
            ? trust.getConfigMapKeyRef().getName()
            : null,
        trust != null && trust.getSecretKeyRef() != null
            ? trust.getSecretKeyRef().getName()
            : null);
  }

  private static Map<String, Object> injectionEntry(InjectionRoute hints) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", hints.name());
    entry.put("podSelector", selector(hints.podSelector()));
    entry.put("agentEnv", new TreeMap<>(hints.agentEnv()));
    if (hints.secretName() != null) {
      entry.put("secretName", hints.secretName());
    }
    if (hints.vault()) {
      entry.put("vault", true);
    }
    if (hints.trustConfigMap() != null) {
      entry.put("trust", Map.of("configMap", hints.trustConfigMap()));
    } else if (hints.trustSecret() != null) {
      entry.put("trust", Map.of("secret", hints.trustSecret()));
    }
    return entry;
  }

  /** An absent selector and an empty one both select every opted-in pod; render both as {}. */
  static Map<String, Object> selector(LabelSelector selector) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (selector == null) {
      return out;
    }
    if (selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()) {
      out.put("matchLabels", new TreeMap<>(selector.getMatchLabels()));
    }
    if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
      List<Object> expressions = new ArrayList<>();
      for (LabelSelectorRequirement e : selector.getMatchExpressions()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", e.getKey());
        m.put("operator", e.getOperator());
        if (e.getValues() != null && !e.getValues().isEmpty()) {
          m.put("values", e.getValues().stream().sorted().toList());
        }
        expressions.add(m);
      }
      out.put("matchExpressions", expressions);
    }
    return out;
  }

  private static String write(Object tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

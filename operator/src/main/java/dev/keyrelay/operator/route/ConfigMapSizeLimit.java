package dev.keyrelay.operator.route;

import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Withholds the routes that would take the namespace's ConfigMap past the API server's limit (the
 * keys and values of a ConfigMap's data may hold 1 MiB together). Publishing more would be refused
 * on every reconcile and leave the whole namespace on its old config; instead the oldest routes
 * keep their place, and each route that does not fit fails alone with a reason that says why.
 */
final class ConfigMapSizeLimit {

  /** The API server's limit on a ConfigMap's data (Kubernetes' {@code MaxSecretSize}). */
  static final int API_SERVER_LIMIT = 1024 * 1024;

  static final String REASON = "ConfigMapTooLarge";

  private ConfigMapSizeLimit() {}

  /**
   * The verdicts, with accepted routes withheld, youngest first, until the rendered ConfigMap fits
   * in {@code limit} bytes.
   *
   * @param render renders routes as published, with the namespace's Vault and egress blocks
   */
  static Map<String, RouteVerdict> apply(
      Map<String, RouteVerdict> verdicts,
      List<CredentialRoute> routes,
      Function<List<CredentialRoute>, RoutesConfig> render,
      int limit) {
    List<CredentialRoute> accepted =
        routes.stream()
            .filter(r -> isAccepted(verdicts, r))
            .sorted(
                Comparator.comparing(
                        (CredentialRoute r) ->
                            String.valueOf(r.getMetadata().getCreationTimestamp()))
                    .thenComparing(r -> r.getMetadata().getName()))
            .toList();
    if (accepted.isEmpty() || size(render.apply(accepted)) <= limit) {
      return verdicts;
    }
    // Entries are rendered one after another, so a route adds about what it weighs alone; the
    // final render below checks the estimate.
    int empty = size(render.apply(List.of()));
    List<CredentialRoute> kept = new ArrayList<>();
    Map<String, Integer> wouldHold = new LinkedHashMap<>();
    int total = empty;
    for (CredentialRoute route : accepted) {
      int weight = size(render.apply(List.of(route))) - empty;
      if (total + weight <= limit) {
        kept.add(route);
        total += weight;
      } else {
        wouldHold.put(route.getMetadata().getName(), total + weight);
      }
    }
    int rendered;
    while (!kept.isEmpty() && (rendered = size(render.apply(kept))) > limit) {
      wouldHold.put(kept.remove(kept.size() - 1).getMetadata().getName(), rendered);
    }
    Map<String, RouteVerdict> out = new LinkedHashMap<>(verdicts);
    wouldHold.forEach(
        (name, bytes) -> out.put(name, out.get(name).withheld(tooLarge(bytes, limit))));
    return out;
  }

  private static Withheld tooLarge(int bytes, int limit) {
    return new Withheld(
        REASON,
        "Left out of ConfigMap "
            + RoutesConfigMap.NAME
            + ": with this route it would hold about "
            + bytes
            + " bytes, over the API server's limit of "
            + limit
            + " bytes. The namespace's older routes are published; make routes smaller (agentEnv,"
            + " rules) or move some to another namespace.");
  }

  private static boolean isAccepted(Map<String, RouteVerdict> verdicts, CredentialRoute route) {
    RouteVerdict verdict = verdicts.get(route.getMetadata().getName());
    return verdict != null && verdict.accepted();
  }

  /** What the API server counts: the bytes of every key and value of {@code data}. */
  static int size(RoutesConfig config) {
    int bytes = 0;
    for (Map.Entry<String, String> e : config.data().entrySet()) {
      bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length;
      bytes += e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    return bytes;
  }
}

package dev.keyrelay.operator.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.contract.PodLayout;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Injection as a pure function of (pod, published routes, settings): the webhook and the offline
 * command both call it. It never mutates its input; a pod that did not opt in, or already has the
 * sidecar, comes back as the same instance.
 */
public final class PodInjector {

  /** Which container {@code kubectl logs} and {@code exec} pick when none is named. */
  static final String DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMETHEUS_PREFIX = "prometheus.io/";

  private PodInjector() {}

  /** Whether the pod asks for the sidecar at all, whatever else its annotations say. */
  public static boolean optsIn(Pod pod) {
    String optIn =
        pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
            ? null
            : pod.getMetadata().getAnnotations().get(InjectionAnnotations.INJECT);
    return optIn != null && !"false".equals(optIn.trim());
  }

  /**
   * Injects the sidecar into an opted-in pod.
   *
   * @throws InjectionRefusedException when the pod opted in with an annotation value that cannot be
   *     honoured
   */
  public static InjectionResult inject(
      Pod pod, List<InjectionRoute> published, InjectionSettings settings) {
    Map<String, String> annotations =
        pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
            ? Map.of()
            : pod.getMetadata().getAnnotations();
    String optIn = annotations.get(InjectionAnnotations.INJECT);
    if (optIn == null || !PodOptions.bool(InjectionAnnotations.INJECT, optIn)) {
      return InjectionResult.unchanged(pod, InjectionResult.Outcome.NOT_OPTED_IN);
    }
    if (hasSidecar(pod.getSpec())) {
      return InjectionResult.unchanged(pod, InjectionResult.Outcome.ALREADY_INJECTED);
    }
    refuseUnsupported(pod.getSpec());
    PodOptions options = PodOptions.parse(annotations, settings);
    Map<String, String> labels =
        Objects.requireNonNullElse(pod.getMetadata().getLabels(), Map.of());
    List<InjectionRoute> routes = RouteSelection.select(published, labels, options.routes());
    Pod out = SERIALIZATION.clone(pod);
    AgentEnvironment env =
        new AgentEnvironment(
            routes, settings, options, !options.nativeSidecar() && runsToCompletion(pod.getSpec()));
    mutate(out.getSpec(), options, env, routes, settings);
    List<String> names = routes.stream().map(InjectionRoute::name).toList();
    // As a regular container the sidecar comes first; kubectl logs and exec keep the agent.
    String defaultContainer =
        options.nativeSidecar() ? null : pod.getSpec().getContainers().get(0).getName();
    mark(out, annotations, labels, status(options, names), settings, defaultContainer);
    return new InjectionResult(
        out, InjectionResult.Outcome.INJECTED, names, warnings(pod.getSpec(), env, options));
  }

  /**
   * Records the injection in an annotation and a label, and adds scrape annotations when the
   * cluster asks for them and the pod has none of its own.
   */
  private static void mark(
      Pod out,
      Map<String, String> annotations,
      Map<String, String> labels,
      String status,
      InjectionSettings settings,
      String defaultContainer) {
    Map<String, String> outAnnotations = new LinkedHashMap<>(annotations);
    outAnnotations.put(InjectionAnnotations.STATUS, status);
    if (defaultContainer != null) {
      outAnnotations.putIfAbsent(DEFAULT_CONTAINER, defaultContainer);
    }
    if (settings.prometheusAnnotations()
        && annotations.keySet().stream().noneMatch(k -> k.startsWith(PROMETHEUS_PREFIX))) {
      outAnnotations.put(PROMETHEUS_PREFIX + "scrape", "true");
      outAnnotations.put(PROMETHEUS_PREFIX + "port", Integer.toString(PodLayout.ADMIN_PORT));
      outAnnotations.put(PROMETHEUS_PREFIX + "path", "/metrics");
    }
    out.getMetadata().setAnnotations(outAnnotations);
    Map<String, String> outLabels = new LinkedHashMap<>(labels);
    outLabels.put(InjectionAnnotations.INJECTED_LABEL, "true");
    out.getMetadata().setLabels(outLabels);
  }

  /** Pods whose network or operating system the sidecar cannot serve. */
  private static void refuseUnsupported(PodSpec spec) {
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      throw new InjectionRefusedException(
          "hostNetwork: true shares the node's network namespace: the sidecar's loopback proxy and"
              + " ports would be the node's, open to every host-network pod; run the agent without"
              + " hostNetwork");
    }
    if (spec.getOs() != null && "windows".equalsIgnoreCase(spec.getOs().getName())) {
      throw new InjectionRefusedException(
          "spec.os.name is windows: the keyrelay sidecar runs on Linux nodes only");
    }
  }

  /** What could let the agent bypass keyrelay or read its secrets. */
  private static List<String> warnings(PodSpec spec, AgentEnvironment env, PodOptions options) {
    List<String> warnings = new ArrayList<>();
    if (options.enforceEgress()) {
      warnings.addAll(EgressWarnings.sidecarUser(spec));
    }
    for (Container c : spec.getContainers()) {
      List<String> kept = env.keptUserVariables(c);
      if (!kept.isEmpty()) {
        warnings.add(
            "container "
                + c.getName()
                + " sets "
                + kept
                + " itself; they are kept"
                + following(env.followingSpellings(c))
                + ", so its traffic may bypass keyrelay (set "
                + InjectionAnnotations.OVERRIDE_ENV
                + ": \"true\" to replace them)");
      }
    }
    if (options.keepApiToken()) {
      warnings.add(
          InjectionAnnotations.AGENT_API_TOKEN
              + " is \"keep\": the agent containers hold the pod's Kubernetes API token, a"
              + " credential keyrelay does not protect");
    }
    if (Boolean.TRUE.equals(spec.getShareProcessNamespace())) {
      warnings.add(
          "shareProcessNamespace is true: the agent containers can read the keyrelay sidecar's"
              + " memory and with it the real credentials");
    }
    return warnings;
  }

  private static String following(List<String> spellings) {
    return spellings.isEmpty()
        ? ""
        : " and " + spellings + " take the same values, so every client agrees";
  }

  /**
   * A pod whose containers are not restarted after they succeed (every Job and CronJob pod, and a
   * bare run-once pod) completes only once the sidecar, as a regular container, stops too.
   */
  private static boolean runsToCompletion(PodSpec spec) {
    return "Never".equals(spec.getRestartPolicy()) || "OnFailure".equals(spec.getRestartPolicy());
  }

  static boolean hasSidecar(PodSpec spec) {
    return Stream.concat(
            Objects.requireNonNullElse(spec.getInitContainers(), List.<Container>of()).stream(),
            Objects.requireNonNullElse(spec.getContainers(), List.<Container>of()).stream())
        .anyMatch(c -> SidecarPaths.CONTAINER.equals(c.getName()));
  }

  private static void mutate(
      PodSpec spec,
      PodOptions options,
      AgentEnvironment env,
      List<InjectionRoute> routes,
      InjectionSettings settings) {
    SidecarVolumes volumes = SidecarVolumes.forRoutes(routes);
    Container sidecar =
        SidecarContainer.build(
            options,
            settings.sidecarImage(),
            settings.sidecarPullPolicy(),
            volumes.sidecarMounts());
    List<Container> inits = Objects.requireNonNullElse(spec.getInitContainers(), List.of());
    List<Container> apps = new ArrayList<>();
    List<Container> newInits = new ArrayList<>();
    if (options.enforceEgress()) {
      // First of all: no container of the pod runs before its egress is enforced.
      newInits.add(NetworkInitContainer.build(settings.sidecarPullPolicy(), settings.egress()));
    }
    if (options.nativeSidecar()) {
      // First init container: the pod's own init containers already go through the proxy.
      newInits.add(sidecar);
      inits.stream().map(env::applyTo).forEach(newInits::add);
    } else {
      // Init containers run before a regular sidecar exists; they are left alone.
      newInits.addAll(inits);
      apps.add(sidecar);
    }
    spec.getContainers().stream().map(env::applyTo).forEach(apps::add);
    spec.setInitContainers(newInits.isEmpty() ? null : newInits);
    spec.setContainers(apps);
    List<Volume> all = new ArrayList<>(Objects.requireNonNullElse(spec.getVolumes(), List.of()));
    all.addAll(volumes.volumes());
    spec.setVolumes(all);
    // The token is a credential the agent could use or leak; the sidecar needs none (its Vault
    // token is a projected volume of its own, which this setting does not remove).
    if (!options.keepApiToken()) {
      spec.setAutomountServiceAccountToken(false);
    }
  }

  private static String status(PodOptions options, List<String> routes) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("mode", options.nativeSidecar() ? "native-sidecar" : "container");
    status.put("routes", routes);
    if (options.enforceEgress()) {
      status.put("egress", "enforced");
    }
    try {
      return JSON.writeValueAsString(status);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

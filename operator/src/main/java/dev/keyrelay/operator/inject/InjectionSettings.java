package dev.keyrelay.operator.inject;

import dev.keyrelay.operator.config.Environment;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cluster-wide injection defaults, from the operator's environment (or the offline command's
 * flags).
 *
 * @param sidecarImage the sidecar image
 * @param sidecarPullPolicy Always, IfNotPresent or Never; null leaves Kubernetes' default
 * @param nativeSidecar whether the sidecar is a native sidecar (init container, restartPolicy
 *     Always) unless a pod says otherwise; needs Kubernetes 1.29+ on every node
 * @param resources the sidecar's default requests and limits
 * @param logLevel the sidecar's default log level
 * @param noProxyExtra hosts added to NO_PROXY besides loopback and cluster DNS (the API server)
 * @param javaToolOptions whether app containers get JAVA_TOOL_OPTIONS unless a pod says otherwise
 * @param prometheusAnnotations whether injected pods get {@code prometheus.io/*} scrape annotations
 *     for the sidecar's admin port (unless they set {@code prometheus.io/*} already)
 * @param egress enforced egress: the default for opted-in pods and what stays reachable directly
 */
public record InjectionSettings(
    String sidecarImage,
    String sidecarPullPolicy,
    boolean nativeSidecar,
    SidecarResources resources,
    String logLevel,
    List<String> noProxyExtra,
    boolean javaToolOptions,
    boolean prometheusAnnotations,
    EgressEnforcement egress) {

  public static final String DEFAULT_IMAGE = "ghcr.io/keyrelay/keyrelay-sidecar:0.1.0";

  public InjectionSettings {
    noProxyExtra = List.copyOf(noProxyExtra);
  }

  public static InjectionSettings defaults() {
    return new InjectionSettings(
        DEFAULT_IMAGE,
        null,
        true,
        SidecarResources.DEFAULTS,
        "INFO",
        List.of("kubernetes.default"),
        false,
        false,
        EgressEnforcement.OFF);
  }

  /**
   * Reads {@code KEYRELAY_SIDECAR_IMAGE}, {@code KEYRELAY_SIDECAR_IMAGE_PULL_POLICY}, {@code
   * KEYRELAY_NATIVE_SIDECAR} (auto, true or false), {@code KEYRELAY_SIDECAR_CPU_REQUEST}, {@code
   * ..._MEMORY_REQUEST}, {@code ..._CPU_LIMIT}, {@code ..._MEMORY_LIMIT}, {@code
   * KEYRELAY_SIDECAR_LOG_LEVEL}, {@code KEYRELAY_JAVA_TOOL_OPTIONS} and {@code
   * KEYRELAY_PROMETHEUS_ANNOTATIONS} (true or false, default false) and those of {@link
   * EgressEnforcement#fromEnvironment}; the API server's address comes from {@code
   * KUBERNETES_SERVICE_HOST}.
   */
  public static InjectionSettings fromEnvironment(Map<String, String> env) {
    InjectionSettings d = defaults();
    List<String> noProxy = new ArrayList<>(d.noProxyExtra());
    if (env.containsKey("KUBERNETES_SERVICE_HOST")) {
      noProxy.add(env.get("KUBERNETES_SERVICE_HOST"));
    }
    SidecarResources r = d.resources();
    return new InjectionSettings(
        env.getOrDefault("KEYRELAY_SIDECAR_IMAGE", d.sidecarImage()),
        pullPolicy(env.get("KEYRELAY_SIDECAR_IMAGE_PULL_POLICY")),
        NativeSidecarMode.fromEnvironment(env) != NativeSidecarMode.OFF,
        new SidecarResources(
            quantity(env, "KEYRELAY_SIDECAR_CPU_REQUEST", r.cpuRequest()),
            quantity(env, "KEYRELAY_SIDECAR_MEMORY_REQUEST", r.memoryRequest()),
            quantity(env, "KEYRELAY_SIDECAR_CPU_LIMIT", r.cpuLimit()),
            quantity(env, "KEYRELAY_SIDECAR_MEMORY_LIMIT", r.memoryLimit())),
        PodOptions.logLevel(
            "KEYRELAY_SIDECAR_LOG_LEVEL", env.getOrDefault("KEYRELAY_SIDECAR_LOG_LEVEL", "INFO")),
        noProxy,
        flag(env, "KEYRELAY_JAVA_TOOL_OPTIONS"),
        flag(env, "KEYRELAY_PROMETHEUS_ANNOTATIONS"),
        EgressEnforcement.fromEnvironment(env));
  }

  /** The same settings with native sidecars on or off, as the nodes allow. */
  public InjectionSettings withNativeSidecar(boolean on) {
    return new InjectionSettings(
        sidecarImage,
        sidecarPullPolicy,
        on,
        resources,
        logLevel,
        noProxyExtra,
        javaToolOptions,
        prometheusAnnotations,
        egress);
  }

  /** The same settings with other enforced-egress defaults. */
  public InjectionSettings withEgress(EgressEnforcement next) {
    return new InjectionSettings(
        sidecarImage,
        sidecarPullPolicy,
        nativeSidecar,
        resources,
        logLevel,
        noProxyExtra,
        javaToolOptions,
        prometheusAnnotations,
        next);
  }

  private static String pullPolicy(String value) {
    return value == null || value.isBlank()
        ? null
        : PodOptions.pullPolicy("KEYRELAY_SIDECAR_IMAGE_PULL_POLICY", value);
  }

  private static boolean flag(Map<String, String> env, String name) {
    return new Environment(env).flag(name, false);
  }

  private static Quantity quantity(Map<String, String> env, String name, Quantity fallback) {
    String value = env.get(name);
    return value == null ? fallback : PodOptions.quantity(name, value);
  }
}

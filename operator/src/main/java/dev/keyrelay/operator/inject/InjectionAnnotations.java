package dev.keyrelay.operator.inject;

import dev.keyrelay.contract.PodAnnotations;
import java.util.List;

/** The per-pod annotations the injector reads and writes, all under {@code keyrelay.dev/}. */
public final class InjectionAnnotations {

  public static final String PREFIX = "keyrelay.dev/";

  /** The opt-in: {@code "true"} injects, {@code "false"} or absent leaves the pod alone. */
  public static final String INJECT = PREFIX + "inject";

  /** A comma-separated subset of the routes that select the pod; the sidecar enforces it too. */
  public static final String ROUTES = PodAnnotations.ROUTES;

  /**
   * {@code "keep"} leaves the pod's Kubernetes API token mounted in the agent containers (with a
   * warning); absent or {@code "drop"}, the injected pod gets {@code automountServiceAccountToken:
   * false}.
   */
  public static final String AGENT_API_TOKEN = PREFIX + "agent-api-token";

  /** {@code "true"} or {@code "false"}: native sidecar (init container) or first container. */
  public static final String NATIVE_SIDECAR = PREFIX + "native-sidecar";

  /** The sidecar's log level: TRACE, DEBUG, INFO, WARN or ERROR. */
  public static final String LOG_LEVEL = PREFIX + "log-level";

  public static final String CPU_REQUEST = PREFIX + "sidecar-cpu-request";
  public static final String MEMORY_REQUEST = PREFIX + "sidecar-memory-request";
  public static final String CPU_LIMIT = PREFIX + "sidecar-cpu-limit";
  public static final String MEMORY_LIMIT = PREFIX + "sidecar-memory-limit";

  /** {@code "true"}: injected variables replace ones the user set (NO_PROXY is always merged). */
  public static final String OVERRIDE_ENV = PREFIX + "override-env";

  /**
   * The sidecar's proxy port, 1024 to 65535 but not the admin port; every proxy variable uses it.
   */
  public static final String PROXY_PORT = PREFIX + "proxy-port";

  /** {@code "true"} or {@code "false"}: set JAVA_TOOL_OPTIONS (proxy and trust store) for JVMs. */
  public static final String JAVA_TOOL_OPTIONS = PREFIX + "java-tool-options";

  /**
   * {@code "true"} or {@code "false"}: an init container makes the pod's network send the agent's
   * HTTPS and HTTP to the sidecar and refuse the rest (default from the chart).
   */
  public static final String ENFORCE_EGRESS = PREFIX + "enforce-egress";

  /** Written by the injector: what it did, as JSON. */
  public static final String STATUS = PREFIX + "injected";

  /**
   * Written by the injector as a label with the value {@code "true"}, so that a PodMonitor or a
   * {@code kubectl get -l} can select injected pods.
   */
  public static final String INJECTED_LABEL = PREFIX + "injected";

  static final List<String> KNOWN =
      List.of(
          INJECT,
          ROUTES,
          NATIVE_SIDECAR,
          LOG_LEVEL,
          CPU_REQUEST,
          MEMORY_REQUEST,
          CPU_LIMIT,
          MEMORY_LIMIT,
          OVERRIDE_ENV,
          PROXY_PORT,
          JAVA_TOOL_OPTIONS,
          ENFORCE_EGRESS,
          AGENT_API_TOKEN,
          STATUS);

  private InjectionAnnotations() {}
}

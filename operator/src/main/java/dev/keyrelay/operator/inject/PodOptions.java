package dev.keyrelay.operator.inject;

import dev.keyrelay.contract.PodLayout;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A pod's injection annotations, validated; every bad value is refused with a message naming the
 * annotation, the value and what is accepted.
 *
 * @param routes the route names the pod narrows to, or null for every route that selects it
 * @param nativeSidecar native sidecar (init container) or first regular container
 * @param logLevel the sidecar's log level
 * @param resources the sidecar's requests and limits
 * @param overrideEnv whether injected variables replace ones the user set
 * @param proxyPort the sidecar's proxy port on 127.0.0.1
 * @param javaToolOptions whether app containers get JAVA_TOOL_OPTIONS for the proxy and trust store
 * @param enforceEgress whether the pod's network refuses the agent's egress past the sidecar
 * @param keepApiToken whether the agent containers keep the pod's Kubernetes API token
 */
public record PodOptions(
    List<String> routes,
    boolean nativeSidecar,
    String logLevel,
    SidecarResources resources,
    boolean overrideEnv,
    int proxyPort,
    boolean javaToolOptions,
    boolean enforceEgress,
    boolean keepApiToken) {

  /** Below 1024 a non-root process cannot bind. */
  private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");

  private static final int MIN_PROXY_PORT = 1024;

  private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
  private static final Pattern ROUTE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  // Kubernetes quantity syntax: a decimal number with an optional binary or decimal suffix.
  private static final Pattern QUANTITY = Pattern.compile("\\d+(\\.\\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?");

  static PodOptions parse(Map<String, String> annotations, InjectionSettings settings) {
    for (String key : annotations.keySet()) {
      if (key.startsWith(InjectionAnnotations.PREFIX)
          && !InjectionAnnotations.KNOWN.contains(key)) {
        throw new InjectionRefusedException(
            "unknown annotation " + key + "; known: " + InjectionAnnotations.KNOWN);
      }
    }
    String routes = annotations.get(InjectionAnnotations.ROUTES);
    String nativeSidecar = annotations.get(InjectionAnnotations.NATIVE_SIDECAR);
    String logLevel = annotations.get(InjectionAnnotations.LOG_LEVEL);
    String override = annotations.get(InjectionAnnotations.OVERRIDE_ENV);
    String proxyPort = annotations.get(InjectionAnnotations.PROXY_PORT);
    String javaToolOptions = annotations.get(InjectionAnnotations.JAVA_TOOL_OPTIONS);
    String enforceEgress = annotations.get(InjectionAnnotations.ENFORCE_EGRESS);
    String apiToken = annotations.get(InjectionAnnotations.AGENT_API_TOKEN);
    SidecarResources d = settings.resources();
    return new PodOptions(
        routes == null ? null : routeNames(routes),
        nativeSidecar == null
            ? settings.nativeSidecar()
            : bool(InjectionAnnotations.NATIVE_SIDECAR, nativeSidecar),
        logLevel == null ? settings.logLevel() : logLevel(InjectionAnnotations.LOG_LEVEL, logLevel),
        new SidecarResources(
            quantity(annotations, InjectionAnnotations.CPU_REQUEST, d.cpuRequest()),
            quantity(annotations, InjectionAnnotations.MEMORY_REQUEST, d.memoryRequest()),
            quantity(annotations, InjectionAnnotations.CPU_LIMIT, d.cpuLimit()),
            quantity(annotations, InjectionAnnotations.MEMORY_LIMIT, d.memoryLimit())),
        override != null && bool(InjectionAnnotations.OVERRIDE_ENV, override),
        proxyPort == null ? SidecarPaths.PROXY_PORT : proxyPort(proxyPort),
        javaToolOptions == null
            ? settings.javaToolOptions()
            : bool(InjectionAnnotations.JAVA_TOOL_OPTIONS, javaToolOptions),
        enforceEgress == null
            ? settings.egress().enabled()
            : bool(InjectionAnnotations.ENFORCE_EGRESS, enforceEgress),
        apiToken != null && keepApiToken(apiToken));
  }

  private static boolean keepApiToken(String value) {
    return switch (value.trim()) {
      case "keep" -> true;
      case "drop" -> false;
      default -> throw refused(InjectionAnnotations.AGENT_API_TOKEN, value, "\"keep\" or \"drop\"");
    };
  }

  static boolean bool(String name, String value) {
    return switch (value.trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw refused(name, value, "\"true\" or \"false\"");
    };
  }

  static String pullPolicy(String name, String value) {
    String policy = value.trim();
    if (!PULL_POLICIES.contains(policy)) {
      throw refused(name, value, "one of " + String.join(", ", PULL_POLICIES));
    }
    return policy;
  }

  static String logLevel(String name, String value) {
    String level = value.trim().toUpperCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(level)) {
      throw refused(name, value, "one of TRACE, DEBUG, INFO, WARN, ERROR");
    }
    return level;
  }

  static Quantity quantity(String name, String value) {
    if (!QUANTITY.matcher(value.trim()).matches()) {
      throw refused(name, value, "a resource quantity such as 100m, 128Mi or 1Gi");
    }
    return new Quantity(value.trim());
  }

  private static int proxyPort(String value) {
    int port;
    try {
      port = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < MIN_PROXY_PORT || port > 65535 || port == PodLayout.ADMIN_PORT) {
      throw refused(
          InjectionAnnotations.PROXY_PORT,
          value,
          "a port from "
              + MIN_PROXY_PORT
              + " to 65535 other than "
              + PodLayout.ADMIN_PORT
              + " (the sidecar's admin port)");
    }
    return port;
  }

  private static Quantity quantity(Map<String, String> annotations, String name, Quantity d) {
    String value = annotations.get(name);
    return value == null ? d : quantity(name, value);
  }

  private static List<String> routeNames(String value) {
    List<String> names =
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (names.isEmpty() || !names.stream().allMatch(n -> ROUTE_NAME.matcher(n).matches())) {
      throw refused(
          InjectionAnnotations.ROUTES, value, "a comma-separated list of CredentialRoute names");
    }
    return names;
  }

  private static InjectionRefusedException refused(String name, String value, String expected) {
    return new InjectionRefusedException(
        name + ": \"" + value + "\" is not valid; expected " + expected);
  }
}

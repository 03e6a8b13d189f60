package dev.keyrelay.operator.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The variables that point an app container at the sidecar (proxy, CA files, route placeholders,
 * and on request JAVA_TOOL_OPTIONS and the shutdown URL) and how they merge with the container's
 * own: a variable the user set is kept unless overriding is asked for, and NO_PROXY is always
 * merged so the user's exclusions survive. The variables are always set as explicit {@code env}
 * entries, which Kubernetes lets win over anything {@code envFrom} brings in unseen.
 */
final class AgentEnvironment {

  static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";
  static final String SHUTDOWN_URL = "KEYRELAY_SHUTDOWN_URL";

  private static final List<String> PROXY_VARS =
      List.of("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy");

  /** Clients disagree on which spelling they read first, so both spellings must agree. */
  private static final Map<String, String> OTHER_SPELLING =
      Map.of(
          "HTTPS_PROXY", "https_proxy",
          "https_proxy", "HTTPS_PROXY",
          "HTTP_PROXY", "http_proxy",
          "http_proxy", "HTTP_PROXY");

  private static final List<String> NO_PROXY_VARS = List.of("NO_PROXY", "no_proxy");
  private static final List<String> BUNDLE_VARS =
      List.of(
          "SSL_CERT_FILE",
          "REQUESTS_CA_BUNDLE",
          "CURL_CA_BUNDLE",
          "GIT_SSL_CAINFO",
          "AWS_CA_BUNDLE");
  private static final List<String> NO_PROXY_BASE =
      List.of("localhost", "127.0.0.1", "::1", ".svc", ".cluster.local");

  private final Map<String, String> variables;
  private final List<String> noProxyExtra;
  private final PodOptions options;

  /**
   * @param shutdownUrl whether app containers learn where to stop the sidecar (a regular-container
   *     sidecar in a pod that runs to completion)
   */
  AgentEnvironment(
      List<InjectionRoute> routes,
      InjectionSettings settings,
      PodOptions options,
      boolean shutdownUrl) {
    Map<String, String> vars = new LinkedHashMap<>();
    String proxyUrl = "http://" + SidecarPaths.PROXY_HOST + ":" + options.proxyPort();
    PROXY_VARS.forEach(v -> vars.put(v, proxyUrl));
    BUNDLE_VARS.forEach(v -> vars.put(v, SidecarPaths.CA_BUNDLE));
    // Node.js appends this to its built-in roots, so it takes the CA alone.
    vars.put("NODE_EXTRA_CA_CERTS", SidecarPaths.CA_CERT);
    // Node's built-in fetch and http ignore the proxy variables unless this is set (Node 24+
    // honours it; older versions ignore it, and only enforced egress catches their traffic).
    vars.put("NODE_USE_ENV_PROXY", "1");
    if (shutdownUrl) {
      vars.put(SHUTDOWN_URL, SidecarPaths.SHUTDOWN_URL);
    }
    // Routes come sorted by name; when two declare the same variable the first one wins.
    routes.forEach(r -> new TreeMap<>(r.agentEnv()).forEach(vars::putIfAbsent));
    this.variables = vars;
    this.noProxyExtra = settings.noProxyExtra();
    this.options = options;
  }

  /** Returns the container with the variables set and the CA directory mounted read-only. */
  Container applyTo(Container original) {
    Container c = new ContainerBuilder(original).build();
    List<EnvVar> env = new ArrayList<>(Objects.requireNonNullElse(c.getEnv(), List.of()));
    Set<String> noProxy = new LinkedHashSet<>();
    for (String name : NO_PROXY_VARS) {
      noProxy.addAll(setNoProxy(env, name));
    }
    if (!options.overrideEnv()) {
      copyKeptProxySpellings(env);
    }
    variables.forEach((name, value) -> set(env, name, value));
    if (options.javaToolOptions()) {
      set(env, JAVA_TOOL_OPTIONS, JavaToolOptions.value(options.proxyPort(), noProxy));
    }
    c.setEnv(env);
    List<VolumeMount> mounts =
        new ArrayList<>(Objects.requireNonNullElse(c.getVolumeMounts(), List.of()));
    mounts.add(SidecarVolumes.appCaMount());
    c.setVolumeMounts(mounts);
    return c;
  }

  /** The injected variables this container sets itself and keeps, so keyrelay may be bypassed. */
  List<String> keptUserVariables(Container c) {
    if (options.overrideEnv() || c.getEnv() == null) {
      return List.of();
    }
    return c.getEnv().stream()
        .map(EnvVar::getName)
        .filter(
            n ->
                PROXY_VARS.contains(n)
                    || BUNDLE_VARS.contains(n)
                    || (options.javaToolOptions() && n.equals(JAVA_TOOL_OPTIONS)))
        .toList();
  }

  /**
   * The other spellings of the kept proxy variables, which take the user's value (see {@link
   * #copyKeptProxySpellings}).
   */
  List<String> followingSpellings(Container c) {
    List<String> kept = keptUserVariables(c);
    return kept.stream()
        .map(OTHER_SPELLING::get)
        .filter(o -> o != null && !kept.contains(o))
        .toList();
  }

  /**
   * A user who sets only one spelling of a proxy variable gets it in the other spelling too;
   * otherwise a client reading one spelling would go through keyrelay and one reading the other
   * would not.
   */
  private static void copyKeptProxySpellings(List<EnvVar> env) {
    for (String name : PROXY_VARS) {
      int i = indexOf(env, name);
      String other = OTHER_SPELLING.get(name);
      if (i >= 0 && indexOf(env, other) < 0) {
        EnvVar user = env.get(i);
        env.add(new EnvVar(other, user.getValue(), user.getValueFrom()));
      }
    }
  }

  private void set(List<EnvVar> env, String name, String value) {
    int i = indexOf(env, name);
    if (i < 0) {
      env.add(new EnvVar(name, value, null));
    } else if (options.overrideEnv()) {
      env.set(i, new EnvVar(name, value, null));
    }
  }

  /**
   * Keeps the user's entries (from either spelling) first, then adds what must bypass the proxy.
   *
   * @return the merged entries, or the ones keyrelay adds when the user's value comes from
   *     elsewhere
   */
  private Set<String> setNoProxy(List<EnvVar> env, String name) {
    int i = indexOf(env, name);
    // a value from a ConfigMap or Secret cannot be merged here; the user owns it
    boolean external = i >= 0 && env.get(i).getValueFrom() != null;
    Set<String> entries = new LinkedHashSet<>();
    String user = i >= 0 ? env.get(i).getValue() : userValueOfOtherSpelling(env, name);
    if (!external) {
      for (String part : Objects.requireNonNullElse(user, "").split(",")) {
        if (!part.isBlank()) {
          entries.add(part.trim());
        }
      }
    }
    entries.addAll(NO_PROXY_BASE);
    entries.addAll(noProxyExtra);
    if (external) {
      return entries;
    }
    EnvVar merged = new EnvVar(name, String.join(",", entries), null);
    if (i >= 0) {
      env.set(i, merged);
    } else {
      env.add(merged);
    }
    return entries;
  }

  private static String userValueOfOtherSpelling(List<EnvVar> env, String name) {
    String other = name.equals("NO_PROXY") ? "no_proxy" : "NO_PROXY";
    int i = indexOf(env, other);
    return i >= 0 ? env.get(i).getValue() : null;
  }

  private static int indexOf(List<EnvVar> env, String name) {
    for (int i = 0; i < env.size(); i++) {
      if (name.equals(env.get(i).getName())) {
        return i;
      }
    }
    return -1;
  }
}

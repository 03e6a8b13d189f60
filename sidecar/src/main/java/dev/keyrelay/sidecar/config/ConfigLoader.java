package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.EgressEntries;
import dev.keyrelay.contract.EgressEntry;
import dev.keyrelay.contract.PodLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** Loads the sidecar's YAML config file into a validated {@link SidecarConfig}. */
public final class ConfigLoader {

  static final String DEFAULT_PROXY_LISTEN = PodLayout.LOOPBACK + ":" + PodLayout.PROXY_PORT;
  private static final int MAX_WORKERS = 64;
  private static final int DEFAULT_MAX_CONNECTIONS = 1024;
  private static final int MAX_MAX_CONNECTIONS = 1_000_000;
  private static final Duration MIN_DEFAULT_CLIENT_IDLE = Duration.ofMinutes(10);
  static final String DEFAULT_ADMIN_LISTEN = PodLayout.LOOPBACK + ":" + PodLayout.ADMIN_PORT;
  static final String DEFAULT_CA_DIR = PodLayout.CA_DIR;
  static final String DEFAULT_MOUNT_ROOT = PodLayout.SECRETS_ROOT;

  private ConfigLoader() {}

  /**
   * Reads, validates and converts the file; relative paths in it resolve against its directory.
   *
   * @throws ConfigException listing every problem found, each naming the file and the field
   */
  public static SidecarConfig load(Path file) throws ConfigException {
    return load(file, ConfigOverrides.NONE);
  }

  /**
   * Loads the file as {@link #load(Path)} does, then applies the command line's overrides.
   *
   * @throws ConfigException listing every problem found, each naming the file and the field
   */
  public static SidecarConfig load(Path file, ConfigOverrides overrides) throws ConfigException {
    return overrides.applyTo(read(file));
  }

  /**
   * Loads the file as {@link #load(Path, ConfigOverrides)} does or, while it does not exist in a
   * directory that does (an optional ConfigMap volume the kubelet has not filled yet), reads it as
   * an empty file: the built-in defaults, no routes and no listeners.
   *
   * @throws ConfigException listing every problem found, each naming the file and the field
   */
  public static SidecarConfig loadOrDefaults(Path file, ConfigOverrides overrides)
      throws ConfigException {
    Path source = file.toAbsolutePath();
    if (Files.notExists(source) && Files.isDirectory(source.getParent())) {
      return overrides.applyTo(read(source, RawConfig.EMPTY));
    }
    return load(file, overrides);
  }

  private static SidecarConfig read(Path file) throws ConfigException {
    Path source = file.toAbsolutePath();
    return read(source, RawConfigReader.read(source));
  }

  private static SidecarConfig read(Path source, RawConfig raw) throws ConfigException {
    Path dir = source.getParent();
    Problems problems = new Problems(source);
    RawConfig.Proxy rawProxy = Objects.requireNonNullElse(raw.proxy(), RawConfig.Proxy.EMPTY);
    ProxySettings proxy = proxy(rawProxy, problems);
    RawConfig.Admin admin = Objects.requireNonNullElse(raw.admin(), RawConfig.Admin.EMPTY);
    HostPort adminListen =
        problems.attempt(
            "admin.listen", () -> Addresses.listen(or(admin.listen(), DEFAULT_ADMIN_LISTEN)));
    RawConfig.Ca ca = Objects.requireNonNullElse(raw.ca(), RawConfig.Ca.EMPTY);
    Path caDir =
        problems.attempt("ca.dir", () -> ConfigPaths.resolve(dir, or(ca.dir(), DEFAULT_CA_DIR)));
    Path caKeyFile =
        ca.keyFile() == null
            ? null
            : problems.attempt("ca.keyFile", () -> ConfigPaths.resolve(dir, ca.keyFile()));
    PodSettings pod = pod(raw.pod(), dir, problems);
    PodScope scope = pod == null ? PodScope.EVERY_ROUTE : PodScope.read(pod, problems);
    EgressSettings egress =
        egress(Objects.requireNonNullElse(raw.egress(), RawConfig.Egress.EMPTY), problems);
    SecretsSettings secrets =
        secrets(Objects.requireNonNullElse(raw.secrets(), RawConfig.Secrets.EMPTY), dir, problems);
    List<ProxyToken> tokens =
        ProxyTokenParser.parse(
            rawProxy.tokens(), dir, secrets.kubernetesMountRoot(), raw.vault() != null, problems);
    RouteParser routeParser = new RouteParser(dir, secrets.kubernetesMountRoot(), problems, scope);
    List<Route> routes = routeParser.parse(Objects.requireNonNullElse(raw.routes(), List.of()));
    VaultSettings vault = VaultSettingsParser.parse(raw.vault(), dir, problems);
    if (raw.vault() == null) {
      requireNoVaultSecrets(raw.routes(), problems);
      requireNoVaultDatabase(raw.listeners(), problems);
    }
    ListenerParser listenerParser =
        new ListenerParser(dir, secrets.kubernetesMountRoot(), problems, scope);
    List<PostgresListener> listeners =
        listenerParser.parse(
            Objects.requireNonNullElse(raw.listeners(), List.of()),
            Objects.requireNonNullElse(raw.routes(), List.of()));
    TransparentSettings transparent = TransparentParser.parse(raw.transparent(), problems);
    if (!tokens.isEmpty() && transparent != null) {
      // Redirected connections carry no Proxy-Authorization; the pod's network is their boundary.
      problems.add(
          "proxy.tokens",
          "cannot be used with the transparent block: redirected connections send no"
              + " Proxy-Authorization");
    }
    problems.throwIfAny();
    return new SidecarConfig(
        source,
        proxy.withTokens(tokens),
        new AdminSettings(adminListen),
        new CaSettings(caDir, caKeyFile),
        egress,
        routes,
        secrets,
        vault,
        listeners,
        transparent,
        pod,
        Stream.concat(routeParser.withheld().stream(), listenerParser.withheld().stream())
            .toList());
  }

  private static PodSettings pod(RawConfig.Pod raw, Path dir, Problems problems) {
    if (raw == null) {
      return null;
    }
    Path labels = podFile("pod.labelsFile", raw.labelsFile(), dir, problems);
    Path annotations = podFile("pod.annotationsFile", raw.annotationsFile(), dir, problems);
    return labels == null || annotations == null ? null : new PodSettings(labels, annotations);
  }

  private static Path podFile(String field, String text, Path dir, Problems problems) {
    if (text == null) {
      problems.add(field, "is required in the pod block");
      return null;
    }
    return problems.attempt(field, () -> ConfigPaths.resolve(dir, text));
  }

  private static void requireNoVaultSecrets(List<RawConfig.Route> routes, Problems problems) {
    List<RawConfig.Route> list = Objects.requireNonNullElse(routes, List.of());
    for (int i = 0; i < list.size(); i++) {
      RawConfig.Route route = list.get(i);
      if (route != null && route.secret() != null && route.secret().usesVault()) {
        problems.add(
            "routes[" + i + "].secret" + (route.secret().vault() != null ? ".vault" : ""),
            "needs the top-level vault block (address, auth)");
      }
    }
  }

  /**
   * Database credentials come only from Vault; unlike a listener's stored {@code vault} secret, the
   * rendered config of the operator always has the block when one is used.
   */
  private static void requireNoVaultDatabase(
      List<RawConfig.Listener> listeners, Problems problems) {
    List<RawConfig.Listener> list = Objects.requireNonNullElse(listeners, List.of());
    for (int i = 0; i < list.size(); i++) {
      RawConfig.Listener listener = list.get(i);
      if (listener != null
          && listener.secret() != null
          && listener.secret().vaultDatabase() != null) {
        problems.add(
            "listeners[" + i + "].secret.vaultDatabase",
            "needs the top-level vault block (address, auth)");
      }
    }
  }

  private static ProxySettings proxy(RawConfig.Proxy raw, Problems problems) {
    HostPort listen =
        problems.attempt(
            "proxy.listen", () -> Addresses.listen(or(raw.listen(), DEFAULT_PROXY_LISTEN)));
    boolean allowNonLoopback = Boolean.TRUE.equals(raw.allowNonLoopback());
    if (listen != null && !allowNonLoopback && !Addresses.isLoopback(listen)) {
      problems.add(
          "proxy.listen",
          listen
              + " is not a loopback address; set proxy.allowNonLoopback: true to expose the proxy");
    }
    Duration idleTimeout = duration("proxy.idleTimeout", raw.idleTimeout(), "300s", problems);
    return new ProxySettings(
        listen,
        allowNonLoopback,
        duration("proxy.connectTimeout", raw.connectTimeout(), "10s", problems),
        idleTimeout,
        workers(raw.workers(), problems),
        duration("proxy.headerTimeout", raw.headerTimeout(), "10s", problems),
        clientIdleTimeout(raw.clientIdleTimeout(), idleTimeout, problems),
        maxConnections(raw.maxConnections(), problems),
        List.of());
  }

  /**
   * An agent connection that waits for a slow upstream moves no byte: it must be allowed to wait
   * longer than the upstream may stay silent, so that it gets its 504 instead of a dead socket.
   * Hence the default of 10 minutes, or a minute more than {@code idleTimeout} when that is longer.
   */
  private static Duration clientIdleTimeout(String text, Duration idleTimeout, Problems problems) {
    if (text == null) {
      if (idleTimeout == null) {
        return MIN_DEFAULT_CLIENT_IDLE;
      }
      Duration beyond = idleTimeout.plusMinutes(1);
      return beyond.compareTo(MIN_DEFAULT_CLIENT_IDLE) > 0 ? beyond : MIN_DEFAULT_CLIENT_IDLE;
    }
    Duration parsed = duration("proxy.clientIdleTimeout", text, null, problems);
    if (parsed != null && idleTimeout != null && parsed.compareTo(idleTimeout) <= 0) {
      problems.add(
          "proxy.clientIdleTimeout",
          "must be longer than proxy.idleTimeout ("
              + idleTimeout.toMillis()
              + " ms), or an agent waiting for a slow upstream is cut off before its 504");
    }
    return parsed;
  }

  private static int maxConnections(Integer raw, Problems problems) {
    if (raw == null) {
      return DEFAULT_MAX_CONNECTIONS;
    }
    if (raw < 1 || raw > MAX_MAX_CONNECTIONS) {
      problems.add("proxy.maxConnections", raw + " is not between 1 and " + MAX_MAX_CONNECTIONS);
      return DEFAULT_MAX_CONNECTIONS;
    }
    return raw;
  }

  private static int workers(Integer raw, Problems problems) {
    if (raw == null) {
      return ProxySettings.DEFAULT_WORKERS;
    }
    if (raw < 1 || raw > MAX_WORKERS) {
      problems.add("proxy.workers", raw + " is not between 1 and " + MAX_WORKERS);
      return 1;
    }
    return raw;
  }

  private static EgressSettings egress(RawConfig.Egress raw, Problems problems) {
    return new EgressSettings(
        entries("egress.exceptions", raw.exceptions(), problems),
        entries("egress.allowList", raw.allowList(), problems),
        entries("egress.blockList", raw.blockList(), problems));
  }

  private static List<EgressEntry> entries(String path, List<String> raw, Problems problems) {
    List<EgressEntry> entries = new ArrayList<>();
    List<String> texts = Objects.requireNonNullElse(raw, List.of());
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      String at = path + "[" + i + "]";
      if (text == null) {
        problems.add(at, "must not be null");
        continue;
      }
      EgressEntry entry = problems.attempt(at, () -> EgressEntries.parse(text));
      if (entry != null) {
        entries.add(entry);
      }
    }
    return entries;
  }

  private static SecretsSettings secrets(RawConfig.Secrets raw, Path dir, Problems problems) {
    return new SecretsSettings(
        problems.attempt(
            "secrets.kubernetesMountRoot",
            () -> ConfigPaths.resolve(dir, or(raw.kubernetesMountRoot(), DEFAULT_MOUNT_ROOT))),
        duration("secrets.cacheTtl", raw.cacheTtl(), "30s", problems),
        duration("secrets.staleGrace", raw.staleGrace(), "5m", problems));
  }

  static Duration duration(String path, String text, String fallback, Problems problems) {
    return problems.attempt(path, () -> Durations.parse(or(text, fallback)));
  }

  private static String or(String value, String fallback) {
    return value == null ? fallback : value;
  }
}

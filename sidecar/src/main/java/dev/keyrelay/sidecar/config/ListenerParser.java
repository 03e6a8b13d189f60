package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.HostNames;
import dev.keyrelay.contract.HostPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Validates the {@code listeners} list and keeps those that apply to this pod; listener names share
 * one name space with routes.
 */
final class ListenerParser {

  private final Path configDir;
  private final Path mountRoot;
  private final Problems problems;
  private final List<Withheld> withheld = new ArrayList<>();
  private final PodScope scope;

  ListenerParser(Path configDir, Path mountRoot, Problems problems, PodScope scope) {
    this.configDir = configDir;
    this.mountRoot = mountRoot;
    this.problems = problems;
    this.scope = scope;
  }

  /** The valid listeners in order; every invalid one has been recorded as a problem. */
  List<PostgresListener> parse(List<RawConfig.Listener> raws, List<RawConfig.Route> routes) {
    Map<String, String> owners = new HashMap<>();
    for (int i = 0; i < routes.size(); i++) {
      if (routes.get(i) != null && routes.get(i).name() != null) {
        owners.putIfAbsent(routes.get(i).name(), "routes[" + i + "]");
      }
    }
    Map<HostPort, String> listenOwners = new HashMap<>();
    List<PostgresListener> listeners = new ArrayList<>();
    for (int i = 0; i < raws.size(); i++) {
      String path = "listeners[" + i + "]";
      RawConfig.Listener raw = raws.get(i);
      if (raw == null) {
        problems.add(path, "must be a mapping, not null");
        continue;
      }
      PodSelector selector =
          PodSelectorParser.parse(raw.podSelector(), path + ".podSelector", problems);
      String exclusion = selector == null ? null : scope.exclusion(raw.name(), selector);
      boolean applies = selector != null && exclusion == null;
      PostgresListener listener = listener(raw, path, applies);
      if (raw.name() != null) {
        String first = owners.putIfAbsent(raw.name(), path);
        if (first != null) {
          problems.add(path + ".name", "\"" + raw.name() + "\" is already the name of " + first);
        }
      }
      if (listener != null) {
        String first = listenOwners.putIfAbsent(listener.listen(), path);
        if (first != null) {
          problems.add(
              path + ".postgres.listen", listener.listen() + " is already used by " + first);
        }
        if (applies) {
          listeners.add(listener);
        } else if (exclusion != null) {
          withheld.add(new Withheld(raw.name(), "postgres", exclusion));
        }
      }
    }
    return listeners;
  }

  /** {@code applies}: whether it applies to this pod; only then is its CA file checked. */
  private PostgresListener listener(RawConfig.Listener raw, String path, boolean applies) {
    int before = problems.count();
    String name = problems.attempt(path + ".name", () -> RouteParser.name(raw.name()));
    SecretRef secret =
        SecretRefParser.parseListener(
            raw.secret(), path + ".secret", configDir, mountRoot, problems);
    RawConfig.Postgres pg = raw.postgres();
    if (pg == null) {
      problems.add(path + ".postgres", "is required");
      return null;
    }
    String at = path + ".postgres";
    HostPort listen = listen(pg.listen(), at + ".listen");
    PostgresUpstream upstream = upstream(pg.upstream(), at + ".upstream", applies);
    String user = pg.user();
    if (user != null && user.isBlank()) {
      problems.add(at + ".user", "must be a user name");
    } else if (user == null && !(secret instanceof SecretRef.VaultDatabase)) {
      // With Vault database credentials the sidecar logs in as the user Vault issued.
      problems.add(at + ".user", "is required unless the secret is vaultDatabase");
    }
    List<String> databases = Objects.requireNonNullElse(pg.databases(), List.of());
    for (int i = 0; i < databases.size(); i++) {
      if (databases.get(i) == null || databases.get(i).isEmpty()) {
        problems.add(at + ".databases[" + i + "]", "must be a database name");
      }
    }
    PostgresListener.ClientTls clientTls =
        problems.attempt(
            at + ".clientTls",
            () ->
                choice(
                    pg.clientTls(),
                    PostgresListener.ClientTls.ACCEPT,
                    PostgresListener.ClientTls.class));
    Duration startupTimeout =
        ConfigLoader.duration(at + ".startupTimeout", pg.startupTimeout(), "15s", problems);
    return problems.count() == before
        ? new PostgresListener(
            name, listen, upstream, user, databases, clientTls, startupTimeout, secret)
        : null;
  }

  private HostPort listen(String text, String path) {
    if (text == null) {
      problems.add(path, "is required, for example 127.0.0.1:15432");
      return null;
    }
    HostPort listen = problems.attempt(path, () -> Addresses.listen(text));
    if (listen != null && listen.port() == 0) {
      problems.add(path, "needs a fixed port: clients must know where to connect");
    } else if (listen != null && !Addresses.isLoopback(listen)) {
      problems.add(path, listen + " is not a loopback address; listeners serve local agents only");
    }
    return listen;
  }

  private PostgresUpstream upstream(RawConfig.PostgresUpstream raw, String path, boolean applies) {
    if (raw == null) {
      problems.add(path, "is required (host, port)");
      return null;
    }
    String host =
        raw.host() == null
            ? null
            : problems.attempt(path + ".host", () -> HostNames.canonical(raw.host()));
    if (raw.host() == null) {
      problems.add(path + ".host", "is required");
    }
    Integer port =
        raw.port() == null
            ? 5432
            : problems.attempt(path + ".port", () -> HostPorts.port(raw.port(), 1));
    PostgresUpstream.SslMode sslMode =
        problems.attempt(
            path + ".sslMode",
            () ->
                choice(
                    raw.sslMode(),
                    PostgresUpstream.SslMode.VERIFY_FULL,
                    PostgresUpstream.SslMode.class));
    Path caFile = null;
    if (raw.caFile() != null) {
      caFile =
          problems.attempt(
              path + ".caFile",
              () -> {
                Path file = ConfigPaths.resolve(configDir, raw.caFile());
                return applies ? PemCertificates.requireCertificatesIfPresent(file) : file;
              });
    }
    return host == null || port == null || sslMode == null
        ? null
        : new PostgresUpstream(host, port, sslMode, caFile);
  }

  /** Parses {@code verify-full} style names into enum constants such as {@code VERIFY_FULL}. */
  private static <E extends Enum<E>> E choice(String text, E fallback, Class<E> type) {
    if (text == null) {
      return fallback;
    }
    for (E value : type.getEnumConstants()) {
      if (spelling(value).equals(text)) {
        return value;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E value : type.getEnumConstants()) {
      allowed.add(spelling(value));
    }
    throw new IllegalArgumentException(
        "\"" + text + "\" is not one of " + String.join(", ", allowed));
  }

  private static String spelling(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The valid ones of the last {@link #parse} that do not apply to this pod. */
  List<Withheld> withheld() {
    return List.copyOf(withheld);
  }
}

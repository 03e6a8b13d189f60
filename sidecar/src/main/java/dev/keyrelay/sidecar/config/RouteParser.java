package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.HostMatch;
import dev.keyrelay.contract.HostNames;
import dev.keyrelay.contract.HostPorts;
import dev.keyrelay.sidecar.policy.RoutePolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates the {@code routes} list: each route, unique names, and no route shadowed by another;
 * keeps the routes that apply to this pod.
 */
final class RouteParser {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private final Path configDir;
  private final Path mountRoot;
  private final Problems problems;
  private final List<Withheld> withheld = new ArrayList<>();
  private final PodScope scope;

  RouteParser(Path configDir, Path mountRoot, Problems problems, PodScope scope) {
    this.configDir = configDir;
    this.mountRoot = mountRoot;
    this.problems = problems;
    this.scope = scope;
  }

  /**
   * The valid routes that apply to the pod, in order; every invalid one, applying or not, has been
   * recorded as a problem.
   */
  List<Route> parse(List<RawConfig.Route> raws) {
    List<Route> routes = new ArrayList<>();
    Map<String, Integer> indexByName = new HashMap<>();
    Map<HostMatch, Integer> indexByMatch = new HashMap<>();
    for (int i = 0; i < raws.size(); i++) {
      String path = "routes[" + i + "]";
      RawConfig.Route raw = raws.get(i);
      if (raw == null) {
        problems.add(path, "must be a mapping, not null");
        continue;
      }
      PodSelector selector =
          PodSelectorParser.parse(raw.podSelector(), path + ".podSelector", problems);
      String exclusion = selector == null ? null : scope.exclusion(raw.name(), selector);
      boolean applies = selector != null && exclusion == null;
      Route route = route(raw, path, applies);
      if (raw.name() != null) {
        Integer first = indexByName.putIfAbsent(raw.name(), i);
        if (first != null) {
          problems.add(
              path + ".name",
              "\"" + raw.name() + "\" is already the name of routes[" + first + "]");
        }
      }
      if (route != null) {
        Integer first = indexByMatch.putIfAbsent(route.match(), i);
        if (first != null) {
          problems.add(
              path + ".match",
              "same host and port as routes["
                  + first
                  + "] (\""
                  + raws.get(first).name()
                  + "\"), so it would never match: the first match wins");
        }
        if (applies) {
          routes.add(route);
        } else if (exclusion != null) {
          withheld.add(new Withheld(raw.name(), "http", exclusion));
        }
      }
    }
    return routes;
  }

  /**
   * @param applies whether the route applies to this pod: only then is its CA file checked, since
   *     the injector mounts trust material only for the routes that apply
   */
  private Route route(RawConfig.Route raw, String path, boolean applies) {
    int before = problems.count();
    String name = problems.attempt(path + ".name", () -> name(raw.name()));
    HostMatch match = match(raw.match(), path + ".match");
    Path caFile = null;
    if (raw.upstream() != null && raw.upstream().caFile() != null) {
      caFile =
          problems.attempt(
              path + ".upstream.caFile",
              () -> {
                Path file = ConfigPaths.resolve(configDir, raw.upstream().caFile());
                return applies ? PemCertificates.requireCertificatesIfPresent(file) : file;
              });
    }
    RouteAuth auth = RouteAuthParser.parse(raw.auth(), path + ".auth", problems);
    SecretRef secret =
        SecretRefParser.parse(raw.secret(), path + ".secret", configDir, mountRoot, problems);
    if (auth != null && secret != null) {
      requireAwsPair(auth, secret, path);
    }
    boolean insecure = Boolean.TRUE.equals(raw.allowInsecureHttp());
    boolean scrub = !Boolean.FALSE.equals(raw.scrub());
    RoutePolicy policy = RoutePolicyParser.parse(raw.rules(), raw.limits(), path, problems);
    return problems.count() == before
        ? new Route(name, match, caFile, auth, secret, insecure, scrub, policy)
        : null;
  }

  /** AWS credentials are only ever used to sign, and signing needs them. */
  private void requireAwsPair(RouteAuth auth, SecretRef secret, String path) {
    boolean awsSecret =
        secret instanceof SecretRef.Aws || secret instanceof SecretRef.AwsWebIdentity;
    if (auth instanceof RouteAuth.AwsSigV4 && !awsSecret) {
      problems.add(path + ".secret", "auth type awsSigV4 needs secret aws or awsWebIdentity");
    } else if (!(auth instanceof RouteAuth.AwsSigV4) && awsSecret) {
      problems.add(path + ".auth.type", "secret aws and awsWebIdentity need auth type awsSigV4");
    }
  }

  /** A route or listener name: the two share one name space and one syntax. */
  static String name(String name) {
    if (name == null) {
      throw new IllegalArgumentException("is required");
    }
    if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "\""
              + name
              + "\" is not a valid route name (lower-case letters, digits and '-', "
              + "starting and ending with a letter or digit, at most 63 characters)");
    }
    return name;
  }

  private HostMatch match(RawConfig.Match raw, String path) {
    if (raw == null) {
      problems.add(path, "is required");
      return null;
    }
    if (raw.host() == null) {
      problems.add(path + ".host", "is required");
      return null;
    }
    String host = problems.attempt(path + ".host", () -> HostNames.canonical(raw.host()));
    Integer port =
        raw.port() == null
            ? null
            : problems.attempt(path + ".port", () -> HostPorts.port(raw.port(), 1));
    return host == null ? null : new HostMatch(host, port);
  }

  /** The valid ones of the last {@link #parse} that do not apply to this pod. */
  List<Withheld> withheld() {
    return List.copyOf(withheld);
  }
}

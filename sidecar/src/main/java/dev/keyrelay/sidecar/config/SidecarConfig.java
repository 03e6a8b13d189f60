package dev.keyrelay.sidecar.config;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The whole sidecar configuration after loading and validation; immutable.
 *
 * @param source the file it was loaded from, named in error messages and logs
 * @param routes the routes that apply to this pod (see {@link PodSettings})
 * @param vault how to reach Vault; null when the file has no {@code vault} block
 * @param listeners the listeners that apply to this pod
 * @param transparent the listeners for redirected traffic (enforced egress); null when the file has
 *     no {@code transparent} block
 * @param pod where the pod's labels and annotations are; null when every route applies
 * @param withheld the routes and listeners of the file that do not apply to this pod
 */
public record SidecarConfig(
    Path source,
    ProxySettings proxy,
    AdminSettings admin,
    CaSettings ca,
    EgressSettings egress,
    List<Route> routes,
    SecretsSettings secrets,
    VaultSettings vault,
    List<PostgresListener> listeners,
    TransparentSettings transparent,
    PodSettings pod,
    List<Withheld> withheld) {

  public SidecarConfig {
    routes = List.copyOf(routes);
    listeners = List.copyOf(listeners);
    withheld = List.copyOf(withheld);
  }

  /** The same config with other transparent listeners. */
  public SidecarConfig withTransparent(TransparentSettings next) {
    return new SidecarConfig(
        source, proxy, admin, ca, egress, routes, secrets, vault, listeners, next, pod, withheld);
  }

  /** The same config with other admin settings. */
  public SidecarConfig withAdmin(AdminSettings next) {
    return new SidecarConfig(
        source,
        proxy,
        next,
        ca,
        egress,
        routes,
        secrets,
        vault,
        listeners,
        transparent,
        pod,
        withheld);
  }

  /** The same config with other CA settings. */
  public SidecarConfig withCa(CaSettings next) {
    return new SidecarConfig(
        source,
        proxy,
        admin,
        next,
        egress,
        routes,
        secrets,
        vault,
        listeners,
        transparent,
        pod,
        withheld);
  }

  /** The same config with other proxy settings. */
  public SidecarConfig withProxy(ProxySettings next) {
    return new SidecarConfig(
        source,
        next,
        admin,
        ca,
        egress,
        routes,
        secrets,
        vault,
        listeners,
        transparent,
        pod,
        withheld);
  }

  /** The CA files of its routes' and listeners' upstreams, to read before their first use. */
  public Set<Path> upstreamCaFiles() {
    Set<Path> files = new LinkedHashSet<>();
    routes.stream().map(Route::upstreamCaFile).filter(Objects::nonNull).forEach(files::add);
    listeners.stream().map(l -> l.upstream().caFile()).filter(Objects::nonNull).forEach(files::add);
    return files;
  }
}

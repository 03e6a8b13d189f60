package dev.keyrelay.operator.route;

import dev.keyrelay.contract.PodLayout;
import dev.keyrelay.operator.api.v1alpha1.PostgresListenerSpec;
import dev.keyrelay.operator.api.v1alpha1.PostgresUpstreamSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules for {@code spec.postgres}: listen port, upstream, user (required unless Vault issues
 * it) and databases.
 */
final class PostgresListenerValidator {

  private PostgresListenerValidator() {}

  /**
   * @param vaultDatabase whether the secret is Vault database credentials, which make the user
   *     optional
   */
  static void validate(PostgresListenerSpec pg, boolean vaultDatabase, Violations v) {
    if (v.required(pg.getListenPort(), "spec.postgres.listenPort")) {
      v.portRange(
          pg.getListenPort(), PostgresListenerSpec.MIN_LISTEN_PORT, "spec.postgres.listenPort");
      int port = pg.getListenPort();
      v.check(
          port != PodLayout.PROXY_PORT && port != PodLayout.ADMIN_PORT,
          "spec.postgres.listenPort",
          "must not be "
              + PodLayout.PROXY_PORT
              + " or "
              + PodLayout.ADMIN_PORT
              + ": the sidecar's proxy and admin ports");
    }
    if (pg.getUser() != null || !vaultDatabase) {
      v.matches(pg.getUser(), "^\\S+$", "spec.postgres.user", "a user name");
    }
    v.maxLength(pg.getUser(), PostgresListenerSpec.MAX_NAME, "spec.postgres.user");
    databases(pg.getDatabases(), v);
    PostgresUpstreamSpec upstream = pg.getUpstream();
    if (!v.required(upstream, "spec.postgres.upstream")) {
      return;
    }
    if (v.required(upstream.getHost(), "spec.postgres.upstream.host")) {
      v.check(
          RouteHosts.isValid(upstream.getHost()),
          "spec.postgres.upstream.host",
          "'" + upstream.getHost() + "' is not a host name or IP address");
    }
    v.portRange(upstream.getPort(), 1, "spec.postgres.upstream.port");
    RouteSpecValidator.keySource(upstream.getCa(), "spec.postgres.upstream.ca", v);
  }

  private static void databases(List<String> databases, Violations v) {
    if (databases == null) {
      return;
    }
    v.check(
        databases.size() <= PostgresListenerSpec.MAX_DATABASES,
        "spec.postgres.databases",
        "has more than " + PostgresListenerSpec.MAX_DATABASES + " entries");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < databases.size(); i++) {
      String db = databases.get(i);
      String field = "spec.postgres.databases[" + i + "]";
      if (v.check(db != null && !db.isEmpty(), field, "must be a non-empty name")) {
        v.check(seen.add(db), field, "'" + db + "' is listed twice");
        v.maxLength(db, PostgresListenerSpec.MAX_NAME, field);
      }
    }
  }
}

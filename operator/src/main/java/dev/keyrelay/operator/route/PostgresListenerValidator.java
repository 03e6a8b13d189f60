package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.PostgresListenerSpec;
import dev.keyrelay.operator.api.v1alpha1.PostgresUpstreamSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The rules for {@code spec.postgres}: listen port, upstream, user and databases. */
final class PostgresListenerValidator {

  private PostgresListenerValidator() {}

  static void validate(PostgresListenerSpec pg, Violations v) {
    if (v.required(pg.getListenPort(), "spec.postgres.listenPort")) {
      v.portRange(
          pg.getListenPort(), PostgresListenerSpec.MIN_LISTEN_PORT, "spec.postgres.listenPort");
    }
    v.matches(pg.getUser(), "^\\S+$", "spec.postgres.user", "a user name");
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
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < databases.size(); i++) {
      String db = databases.get(i);
      String field = "spec.postgres.databases[" + i + "]";
      if (v.check(db != null && !db.isEmpty(), field, "must be a non-empty name")) {
        v.check(seen.add(db), field, "'" + db + "' is listed twice");
      }
    }
  }
}

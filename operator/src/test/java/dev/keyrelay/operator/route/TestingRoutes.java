package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Builds CredentialRoutes from YAML the way a user writes them. */
public final class TestingRoutes {

  private TestingRoutes() {}

  /** A route named {@code name} in namespace {@code ns} whose spec is the given YAML block. */
  public static CredentialRoute route(String ns, String name, String specYaml) {
    return Serialization.unmarshal(yaml(ns, name, specYaml), CredentialRoute.class);
  }

  /** The same route as YAML text, for checks that must not depend on the Java model. */
  public static String yaml(String ns, String name, String specYaml) {
    String indented = specYaml.strip().replace("\n", "\n  ");
    return """
        apiVersion: keyrelay.dev/v1alpha1
        kind: CredentialRoute
        metadata:
          name: %s
          namespace: %s
        spec:
          %s
        """
        .formatted(name, ns, indented);
  }

  public static CredentialRoute headerRoute(String ns, String name, String host, String secret) {
    return route(
        ns,
        name,
        """
        http:
          host: %s
          auth: { type: header, headerName: x-api-key }
        secret:
          kubernetes: { name: %s, key: token }
        """
            .formatted(host, secret));
  }

  public static CredentialRoute listener(String ns, String name, int port) {
    return route(
        ns,
        name,
        """
        postgres:
          listenPort: %d
          upstream: { host: orders.db.internal }
          user: agent_ro
        secret:
          vault: { path: secret/data/orders, field: password }
        """
            .formatted(port));
  }
}

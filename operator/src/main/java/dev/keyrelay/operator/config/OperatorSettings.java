package dev.keyrelay.operator.config;

import dev.keyrelay.operator.egress.EgressRules;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the operator runs, read once from its environment.
 *
 * @param watchNamespaces namespaces to reconcile; empty means all
 * @param adminPort the port of /healthz, /readyz and /metrics
 * @param leaderElection whether replicas elect one reconciling leader through a Lease
 * @param leaseNamespace where the Lease lives; null means the client's namespace
 * @param leaseName the Lease's name; the chart names it after the release, so that two releases in
 *     one namespace do not take each other's lease
 * @param identity this replica's name in the Lease, normally the pod name
 * @param vault how sidecars reach Vault; null when no Vault is configured
 * @param egressDefault the egress rules of namespaces without an EgressPolicy, and the block list
 *     every namespace keeps
 * @param secretRecheck how soon a route whose Secret or key is missing is looked at again: Secrets
 *     are not watched (see {@code docs/operator/running.md#rbac}), so their creation raises no
 *     event
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    int adminPort,
    boolean leaderElection,
    String leaseNamespace,
    String leaseName,
    String identity,
    VaultConnection vault,
    EgressRules egressDefault,
    Duration secretRecheck) {

  public static final String DEFAULT_LEASE_NAME = "keyrelay-operator";
  public static final Duration DEFAULT_SECRET_RECHECK = Duration.ofSeconds(30);

  public OperatorSettings(
      Set<String> watchNamespaces,
      int adminPort,
      boolean leaderElection,
      String leaseNamespace,
      String identity) {
    this(
        watchNamespaces,
        adminPort,
        leaderElection,
        leaseNamespace,
        DEFAULT_LEASE_NAME,
        identity,
        null,
        EgressRules.OPEN,
        DEFAULT_SECRET_RECHECK);
  }

  public OperatorSettings {
    watchNamespaces = Set.copyOf(watchNamespaces);
    Objects.requireNonNull(egressDefault, "egressDefault");
    Objects.requireNonNull(secretRecheck, "secretRecheck");
    if (adminPort < 0 || adminPort > 65535) {
      throw new IllegalArgumentException("KEYRELAY_ADMIN_PORT: " + adminPort + " is not a port");
    }
  }

  /**
   * Reads {@code KEYRELAY_WATCH_NAMESPACES} (comma separated), {@code KEYRELAY_ADMIN_PORT} (default
   * 8081), {@code KEYRELAY_LEADER_ELECTION} (default true), {@code KEYRELAY_LEASE_NAME} (default
   * keyrelay-operator), {@code POD_NAMESPACE} and {@code POD_NAME} (from the downward API), {@code
   * KEYRELAY_VAULT_ADDRESS} and {@code KEYRELAY_VAULT_ROLE} (default keyrelay-agent), and the
   * egress default ({@link EgressDefault}) and {@code KEYRELAY_SECRET_RECHECK_SECONDS} (default
   * 30).
   */
  public static OperatorSettings fromEnvironment(Map<String, String> variables) {
    Environment env = new Environment(variables);
    Set<String> namespaces =
        Arrays.stream(env.string("KEYRELAY_WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet());
    return new OperatorSettings(
        namespaces,
        env.port("KEYRELAY_ADMIN_PORT", 8081),
        env.flag("KEYRELAY_LEADER_ELECTION", true),
        env.optional("POD_NAMESPACE"),
        env.string("KEYRELAY_LEASE_NAME", DEFAULT_LEASE_NAME),
        env.optional("POD_NAME"),
        vault(env),
        EgressDefault.read(env),
        env.seconds("KEYRELAY_SECRET_RECHECK_SECONDS", DEFAULT_SECRET_RECHECK));
  }

  private static VaultConnection vault(Environment env) {
    String address = env.optional("KEYRELAY_VAULT_ADDRESS");
    return address == null
        ? null
        : new VaultConnection(
            address, env.string("KEYRELAY_VAULT_ROLE", VaultConnection.DEFAULT_ROLE));
  }
}

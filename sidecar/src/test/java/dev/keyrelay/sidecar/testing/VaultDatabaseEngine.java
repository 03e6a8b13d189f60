package dev.keyrelay.sidecar.testing;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The database secrets engine of {@link VaultTestServer}, as Vault's PostgreSQL plugin behaves: a
 * credentials request runs the role's creation statements against a real database with a new user
 * name and a random password, a lease renewal runs its renew statements and extends the lease up to
 * the role's {@code max_ttl}, and a lease that runs out is revoked with its revocation statements.
 */
final class VaultDatabaseEngine implements AutoCloseable {

  /** Vault's layout for {@code {{expiration}}} (Go's "2006-01-02 15:04:05-0700"). */
  private static final DateTimeFormatter EXPIRATION =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxx").withZone(ZoneOffset.UTC);

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, VaultTestServer.DatabaseRole> roles = new ConcurrentHashMap<>();
  private final Map<String, Active> active = new ConcurrentHashMap<>();
  private final List<VaultTestServer.DatabaseLease> issued = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> renewals = new ConcurrentHashMap<>();
  private final List<String> revoked = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor();

  private record Active(
      VaultTestServer.DatabaseLease lease,
      VaultTestServer.DatabaseRole role,
      Instant expires,
      Instant maxExpires) {}

  VaultDatabaseEngine() {
    reaper.scheduleWithFixedDelay(this::revokeExpired, 100, 100, TimeUnit.MILLISECONDS);
  }

  void role(String mount, String name, VaultTestServer.DatabaseRole role) {
    roles.put(mount + "/creds/" + name, role);
  }

  boolean isCredentialsPath(String path) {
    return roles.containsKey(path);
  }

  /** Creates a user for the role at {@code path} ("mount/creds/role"). */
  VaultTestServer.DatabaseLease issue(String path) throws SQLException {
    VaultTestServer.DatabaseRole role = roles.get(path);
    String roleName = path.substring(path.lastIndexOf('/') + 1);
    // Vault's default username_template: v-{{display_name}}-{{role}}-{{random 20}}-{{unix_time}}
    String username =
        "v-token-" + roleName + "-" + random(20) + "-" + Instant.now().getEpochSecond();
    String password = "A1a-" + random(20);
    Instant now = Instant.now();
    Instant expires = now.plus(role.defaultTtl());
    run(role, role.creationStatements(), username, password, expires);
    VaultTestServer.DatabaseLease lease =
        new VaultTestServer.DatabaseLease(
            path + "/" + UUID.randomUUID(), username, password, role.defaultTtl());
    active.put(lease.leaseId(), new Active(lease, role, expires, now.plus(role.maxTtl())));
    issued.add(lease);
    return lease;
  }

  /**
   * Extends a live lease by {@code increment} (the role's default when 0), capped at its max_ttl;
   * answers the seconds now left, or -1 when there is no such live lease.
   */
  long renew(String leaseId, long increment) throws SQLException {
    Active lease = active.get(leaseId);
    Instant now = Instant.now();
    if (lease == null || !now.isBefore(lease.expires())) {
      return -1;
    }
    Duration wanted = increment > 0 ? Duration.ofSeconds(increment) : lease.role().defaultTtl();
    Instant expires = now.plus(wanted);
    if (expires.isAfter(lease.maxExpires())) {
      expires = lease.maxExpires();
    }
    run(lease.role(), lease.role().renewStatements(), lease.lease().username(), "", expires);
    active.put(leaseId, new Active(lease.lease(), lease.role(), expires, lease.maxExpires()));
    renewals.merge(leaseId, 1, Integer::sum);
    return Duration.between(now, expires).toSeconds();
  }

  List<VaultTestServer.DatabaseLease> issued() {
    return List.copyOf(issued);
  }

  int renewals(String leaseId) {
    return renewals.getOrDefault(leaseId, 0);
  }

  List<String> revoked() {
    return List.copyOf(revoked);
  }

  private void revokeExpired() {
    Instant now = Instant.now();
    for (Active lease : active.values()) {
      if (!now.isBefore(lease.expires()) && active.remove(lease.lease().leaseId(), lease)) {
        try {
          run(lease.role(), lease.role().revocationStatements(), lease.lease().username(), "", now);
          revoked.add(lease.lease().username());
        } catch (SQLException e) {
          throw new IllegalStateException("revoking " + lease.lease().username(), e);
        }
      }
    }
  }

  private static void run(
      VaultTestServer.DatabaseRole role,
      List<String> statements,
      String name,
      String password,
      Instant expiration)
      throws SQLException {
    try (Connection admin = DriverManager.getConnection(role.jdbcUrl());
        Statement sql = admin.createStatement()) {
      for (String template : statements) {
        sql.execute(
            template
                .replace("{{name}}", name)
                .replace("{{password}}", password)
                .replace("{{expiration}}", EXPIRATION.format(expiration)));
      }
    }
  }

  private static String random(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }

  @Override
  public void close() {
    reaper.shutdownNow();
  }
}

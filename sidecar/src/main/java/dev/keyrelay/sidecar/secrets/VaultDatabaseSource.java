package dev.keyrelay.sidecar.secrets;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.sidecar.config.SecretRef;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.database.DatabaseCredential;
import io.github.jopenlibs.vault.response.DatabaseResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials from a Vault database secrets engine role: each {@link #issue} takes a new lease (a
 * new database user). The {@link TokenReader} in front of it hands one lease to new sessions until
 * shortly before it expires; the leases sessions still hold are renewed by their {@link
 * DatabaseLease}.
 */
final class VaultDatabaseSource implements TokenSource {

  private static final Logger log = LoggerFactory.getLogger(VaultDatabaseSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A session needs the login for its handshake only: seconds, not minutes. */
  private static final Duration MAX_SKEW = Duration.ofSeconds(30);

  private final SecretRef.VaultDatabase ref;
  private final VaultClient client;
  private final VaultSession session;
  private final Executor executor;
  private final Clock clock;
  private final ConcurrentMap<SecretValue, DatabaseLease> leases = new ConcurrentHashMap<>();

  VaultDatabaseSource(
      SecretRef.VaultDatabase ref,
      VaultClient client,
      VaultSession session,
      Executor executor,
      Clock clock) {
    this.ref = ref;
    this.client = client;
    this.session = session;
    this.executor = executor;
    this.clock = clock;
  }

  @Override
  public IssuedToken issue() throws SecretUnavailableException {
    leases.values().removeIf(lease -> lease.unusedAndExpired(clock.instant()));
    SecretValue token = session.token();
    DatabaseResponse response;
    try {
      response = client.databaseCredentials(token.reveal(), ref.mount(), ref.role());
    } catch (VaultException e) {
      // A 403 may mean the sidecar's own token was revoked: then log in again and retry once.
      if (e.getHttpStatusCode() != 403 || !session.rejected(token)) {
        throw VaultFailures.of(e, issuing());
      }
      response = credentials(session.token());
    }
    int status = response.getRestResponse().getStatus();
    if (status != 200) {
      throw new SecretUnavailableException(
          "vault has no database role "
              + ref.mount()
              + "/roles/"
              + ref.role()
              + " (HTTP "
              + status
              + ")");
    }
    DatabaseCredential credential = response.getCredential();
    if (credential == null
        || credential.getUsername() == null
        || credential.getUsername().isEmpty()
        || credential.getPassword() == null
        || credential.getPassword().isEmpty()) {
      throw new SecretStoreDownException(
          describe() + ": vault answered without a username and password");
    }
    SecretValue login = SecretValue.login(credential.getUsername(), credential.getPassword());
    Long seconds = response.getLeaseDuration();
    Duration lifetime = seconds == null || seconds <= 0 ? null : Duration.ofSeconds(seconds);
    String leaseId = response.getLeaseId();
    if (lifetime != null && leaseId != null && !leaseId.isEmpty()) {
      leases.put(
          login,
          new DatabaseLease(
              leaseId,
              credential.getUsername(),
              lifetime,
              Boolean.TRUE.equals(response.getRenewable()),
              this::renew,
              executor,
              clock));
    }
    log.info(
        "vault issued database credentials {} {} {}",
        kv("role", ref.mount() + "/" + ref.role()),
        kv("user", credential.getUsername()),
        kv("lease_seconds", seconds));
    return new IssuedToken(login, lifetime);
  }

  @Override
  public Runnable hold(SecretValue value) {
    DatabaseLease lease = leases.get(value);
    return lease == null ? () -> {} : lease.hold();
  }

  @Override
  public Duration maxSkew() {
    return MAX_SKEW;
  }

  @Override
  public String describe() {
    return ref.describe();
  }

  private DatabaseResponse credentials(SecretValue token) throws SecretUnavailableException {
    try {
      return client.databaseCredentials(token.reveal(), ref.mount(), ref.role());
    } catch (VaultException e) {
      throw VaultFailures.of(e, issuing());
    }
  }

  private String issuing() {
    return "issuing credentials of " + ref.mount() + "/creds/" + ref.role();
  }

  /** Renews a lease; the answer's {@code lease_duration} is the time granted from now. */
  private Duration renew(String leaseId, Duration increment) throws SecretUnavailableException {
    try {
      byte[] body =
          client
              .renewLease(session.token().reveal(), leaseId, increment.toSeconds())
              .getRestResponse()
              .getBody();
      JsonNode answer = JSON.readTree(body);
      return Duration.ofSeconds(answer.path("lease_duration").asLong(0));
    } catch (VaultException e) {
      throw VaultFailures.of(e, "renewing a lease of " + ref.mount() + "/creds/" + ref.role());
    } catch (IOException e) {
      throw new SecretStoreDownException("vault answered a lease renewal with invalid JSON");
    }
  }
}

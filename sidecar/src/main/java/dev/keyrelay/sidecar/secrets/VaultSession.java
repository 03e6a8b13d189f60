package dev.keyrelay.sidecar.secrets;

import dev.keyrelay.sidecar.config.VaultSettings;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.AuthResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's Vault token. With Kubernetes auth it logs in with the projected service-account
 * token, renews the Vault token when two thirds of its lease have passed, and logs in again when
 * renewal is refused or Vault no longer accepts the token. With a token file it uses the file's
 * current content.
 */
final class VaultSession {

  private static final Logger log = LoggerFactory.getLogger(VaultSession.class);

  private final VaultClient client;
  private final VaultSettings.Auth auth;
  private final FileSecretSource credentialFile;
  private final Clock clock;
  private Lease lease; // guarded by this

  VaultSession(VaultClient client, VaultSettings.Auth auth, Clock clock) {
    this.client = client;
    this.auth = auth;
    this.clock = clock;
    this.credentialFile =
        auth instanceof VaultSettings.Kubernetes k
            ? new FileSecretSource(k.tokenFile(), "vault service-account token file")
            : new FileSecretSource(
                ((VaultSettings.TokenFile) auth).tokenFile(), "vault token file");
  }

  /** A token Vault should accept now, logging in or renewing first when needed. */
  synchronized SecretValue token() throws SecretUnavailableException {
    if (!(auth instanceof VaultSettings.Kubernetes kubernetes)) {
      return credentialFile.read();
    }
    Instant now = clock.instant();
    if (lease != null && now.isBefore(lease.renewAt())) {
      return lease.token();
    }
    if (lease != null && lease.renewable() && now.isBefore(lease.expiresAt())) {
      try {
        lease = leaseFrom(client.renewSelf(lease.token().reveal()), now);
        log.debug("vault token renewed");
        return lease.token();
      } catch (VaultException e) {
        if (VaultFailures.isOutage(e.getHttpStatusCode())) {
          // Vault is down, but the token stays valid until it expires: keep using it.
          return lease.token();
        }
        log.info(
            "vault refused to renew the token (HTTP {}); logging in again", e.getHttpStatusCode());
      }
    }
    lease = login(kubernetes, now);
    return lease.token();
  }

  /**
   * Called when Vault answered 403 with {@code token}: asks Vault whether the token itself is still
   * valid. If not, it is forgotten and true is returned, so that the caller retries with a fresh
   * login; false means the token is fine and the 403 is the policy's answer.
   */
  synchronized boolean rejected(SecretValue token) throws SecretUnavailableException {
    try {
      client.lookupSelf(token.reveal());
      return false;
    } catch (VaultException e) {
      if (e.getHttpStatusCode() != 403) {
        throw VaultFailures.of(e, "looking up its own token");
      }
      log.info("vault no longer accepts the sidecar's token; logging in again");
      if (lease != null && lease.token().equals(token)) {
        lease = null;
      }
      return true;
    }
  }

  private Lease login(VaultSettings.Kubernetes kubernetes, Instant now)
      throws SecretUnavailableException {
    SecretValue jwt = credentialFile.read();
    try {
      Lease fresh = leaseFrom(client.loginByKubernetes(kubernetes.role(), jwt.reveal()), now);
      log.info(
          "logged in to vault {} with kubernetes role {}", client.address(), kubernetes.role());
      return fresh;
    } catch (VaultException e) {
      throw VaultFailures.of(e, "the kubernetes login for role " + kubernetes.role());
    }
  }

  private static Lease leaseFrom(AuthResponse response, Instant now)
      throws SecretUnavailableException {
    String token = response.getAuthClientToken();
    if (token == null || token.isEmpty()) {
      throw new SecretStoreDownException("vault answered the login without a token");
    }
    long seconds = response.getAuthLeaseDuration();
    // A lease of 0 never expires (e.g. a root token).
    Duration lease = seconds > 0 ? Duration.ofSeconds(seconds) : Duration.ofDays(365);
    return new Lease(
        new SecretValue(token),
        now.plus(lease.multipliedBy(2).dividedBy(3)),
        now.plus(lease),
        response.isAuthRenewable());
  }

  private record Lease(SecretValue token, Instant renewAt, Instant expiresAt, boolean renewable) {}
}

package dev.keyrelay.sidecar.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keyrelay.sidecar.config.SecretRef;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Map;

/**
 * Obtains GitHub App installation access tokens: an RS256 JWT signed with the App's private key
 * (nimbus-jose-jwt) is exchanged at {@code POST /app/installations/{id}/access_tokens}, optionally
 * narrowed to some repositories and permissions.
 */
final class GitHubAppTokenSource implements TokenSource {

  /** GitHub's advice: refresh five minutes before {@code expires_at}. */
  private static final Duration MAX_SKEW = Duration.ofMinutes(5);

  /** GitHub allows ten minutes at most; issued a minute back against clock drift. */
  private static final Duration JWT_LIFETIME = Duration.ofMinutes(9);

  private static final Duration CLOCK_DRIFT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SecretRef.GitHubApp ref;
  private final SecretSource privateKey;
  private final TokenEndpoint endpoint;
  private final Clock clock;

  GitHubAppTokenSource(SecretRef.GitHubApp ref, SecretSource privateKey, Clock clock) {
    this.ref = ref;
    this.privateKey = privateKey;
    this.clock = clock;
    String base = ref.apiUrl().toString().replaceAll("/+$", "");
    this.endpoint =
        new TokenEndpoint(
            URI.create(base + "/app/installations/" + ref.installationId() + "/access_tokens"),
            ref.caFile(),
            "github api " + base);
  }

  @Override
  public IssuedToken issue() throws SecretUnavailableException {
    Instant now = clock.instant();
    TokenEndpoint.Answer answer =
        endpoint.post(
            Map.of(
                "Authorization", "Bearer " + jwt(now),
                "Accept", "application/vnd.github+json",
                "X-GitHub-Api-Version", "2022-11-28"),
            "application/json",
            requestBody());
    if (answer.status() != 201) {
      String status = "HTTP " + answer.status();
      if (TokenEndpoint.isOutage(answer.status())) {
        throw new SecretStoreDownException(endpoint.describe() + " failed (" + status + ")");
      }
      throw new SecretUnavailableException(
          endpoint.describe() + " refused the installation token (" + status + ")");
    }
    JsonNode token = answer.body().path("token");
    if (!token.isTextual() || token.asText().isEmpty()) {
      throw new SecretStoreDownException(endpoint.describe() + " answered without a token");
    }
    Duration lifetime = null;
    try {
      Instant expiresAt = Instant.parse(answer.body().path("expires_at").asText(""));
      lifetime = Duration.between(now, expiresAt);
    } catch (DateTimeParseException e) {
      // Without a readable expiry the token is kept like any other remote value (cacheTtl).
    }
    return new IssuedToken(SecretValue.checked(token.asText(), endpoint.describe()), lifetime);
  }

  @Override
  public Duration maxSkew() {
    return MAX_SKEW;
  }

  @Override
  public String describe() {
    return ref.describe();
  }

  private String jwt(Instant now) throws SecretUnavailableException {
    String pem = privateKey.read().reveal();
    try {
      JWK key = JWK.parseFromPEMEncodedObjects(pem);
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
              new JWTClaimsSet.Builder()
                  .issuer(ref.appId())
                  .issueTime(Date.from(now.minus(CLOCK_DRIFT)))
                  .expirationTime(Date.from(now.plus(JWT_LIFETIME)))
                  .build());
      jwt.sign(new RSASSASigner(key.toRSAKey()));
      return jwt.serialize();
    } catch (JOSEException | IllegalStateException | ClassCastException e) {
      throw new SecretUnavailableException(
          privateKey.describe() + " is not an RSA private key in PEM form");
    }
  }

  private String requestBody() {
    ObjectNode body = JSON.createObjectNode();
    if (!ref.repositories().isEmpty()) {
      ref.repositories().forEach(body.putArray("repositories")::add);
    }
    if (!ref.permissions().isEmpty()) {
      ObjectNode permissions = body.putObject("permissions");
      ref.permissions().forEach(permissions::put);
    }
    return body.toString();
  }
}

package dev.keyrelay.sidecar.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.sidecar.config.SecretRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Obtains OAuth 2.0 access tokens with the client credentials grant (RFC 6749 section 4.4) or a
 * refresh token (section 6). A confidential client authenticates with HTTP Basic (section 2.3.1), a
 * public one sends only its {@code client_id}. When the server rotates the refresh token, the new
 * one replaces the configured one in memory until the configured value itself changes.
 */
final class OAuth2TokenSource implements TokenSource {

  private static final Duration MAX_SKEW = Duration.ofSeconds(30);

  /** RFC 6749 section 5.2 error codes are ASCII words; anything else is not repeated. */
  private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,40}");

  private final SecretRef.OAuth2 ref;
  private final SecretSource clientSecret;
  private final SecretSource refreshToken;
  private final TokenEndpoint endpoint;
  private SecretValue configuredRefresh; // guarded by this: the configured value last seen
  private SecretValue rotatedRefresh; // guarded by this: the server's replacement, if any

  /**
   * @param clientSecret the client's secret, or null for a public client
   * @param refreshToken the configured refresh token, or null for client credentials
   */
  OAuth2TokenSource(SecretRef.OAuth2 ref, SecretSource clientSecret, SecretSource refreshToken) {
    this.ref = ref;
    this.clientSecret = clientSecret;
    this.refreshToken = refreshToken;
    this.endpoint =
        new TokenEndpoint(ref.tokenUrl(), ref.caFile(), "oauth2 token endpoint " + ref.tokenUrl());
  }

  @Override
  public IssuedToken issue() throws SecretUnavailableException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", ref.grantType().wireName());
    SecretValue refresh = null;
    if (ref.grantType() == SecretRef.OAuth2.GrantType.REFRESH_TOKEN) {
      refresh = currentRefreshToken();
      form.put("refresh_token", refresh.reveal());
    }
    if (!ref.scopes().isEmpty()) {
      form.put("scope", String.join(" ", ref.scopes()));
    }
    if (ref.audience() != null) {
      form.put("audience", ref.audience());
    }
    Map<String, String> headers = Map.of();
    if (clientSecret == null) {
      form.put("client_id", ref.clientId());
    } else {
      String pair = encode(ref.clientId()) + ":" + encode(clientSecret.read().reveal());
      headers =
          Map.of(
              "Authorization",
              "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    TokenEndpoint.Answer answer =
        endpoint.post(headers, "application/x-www-form-urlencoded", TokenEndpoint.form(form));
    if (answer.status() != 200) {
      throw refusal(answer);
    }
    IssuedToken token = token(answer.body());
    JsonNode rotated = answer.body().path("refresh_token");
    if (refresh != null && rotated.isTextual() && !rotated.asText().equals(refresh.reveal())) {
      rotate(refresh, SecretValue.checked(rotated.asText(), endpoint.describe()));
    }
    return token;
  }

  @Override
  public Duration maxSkew() {
    return MAX_SKEW;
  }

  @Override
  public String describe() {
    return ref.describe();
  }

  /** The configured refresh token, unless the server rotated it since that value was read. */
  private synchronized SecretValue currentRefreshToken() throws SecretUnavailableException {
    SecretValue configured = refreshToken.read();
    if (!configured.equals(configuredRefresh)) {
      // A new value in the store (an operator pasted a fresh login) wins over our rotated one.
      configuredRefresh = configured;
      rotatedRefresh = null;
    }
    return rotatedRefresh != null ? rotatedRefresh : configured;
  }

  private synchronized void rotate(SecretValue used, SecretValue replacement) {
    if (used.equals(rotatedRefresh) || used.equals(configuredRefresh)) {
      rotatedRefresh = replacement;
    }
  }

  private IssuedToken token(JsonNode body) throws SecretUnavailableException {
    JsonNode accessToken = body.path("access_token");
    if (!accessToken.isTextual() || accessToken.asText().isEmpty()) {
      throw new SecretStoreDownException(endpoint.describe() + " answered without access_token");
    }
    JsonNode tokenType = body.path("token_type");
    if (tokenType.isTextual() && !tokenType.asText().equalsIgnoreCase("bearer")) {
      throw new SecretUnavailableException(
          endpoint.describe() + " issued a token of a type other than Bearer");
    }
    JsonNode expiresIn = body.path("expires_in");
    // Some providers send the number as a string.
    long seconds = expiresIn.asLong(0);
    Duration lifetime = seconds > 0 ? Duration.ofSeconds(seconds) : null;
    return new IssuedToken(
        SecretValue.checked(accessToken.asText(), endpoint.describe()), lifetime);
  }

  private SecretUnavailableException refusal(TokenEndpoint.Answer answer) {
    String status = "HTTP " + answer.status();
    String error = answer.body().path("error").asText("");
    if (ERROR_CODE.matcher(error).matches()) {
      status += " " + error;
    }
    if (TokenEndpoint.isOutage(answer.status())) {
      return new SecretStoreDownException(endpoint.describe() + " failed (" + status + ")");
    }
    return new SecretUnavailableException(
        endpoint.describe() + " refused the grant (" + status + ")");
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}

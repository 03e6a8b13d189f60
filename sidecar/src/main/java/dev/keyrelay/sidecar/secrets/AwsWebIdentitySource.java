package dev.keyrelay.sidecar.secrets;

import dev.keyrelay.sidecar.config.SecretRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Obtains temporary AWS credentials with STS {@code AssumeRoleWithWebIdentity}, presenting the
 * token in a file that the kubelet rotates (IRSA, EKS Pod Identity style projected tokens). The
 * file is read again for every exchange. The call is not signed: the web identity token is the
 * proof.
 */
final class AwsWebIdentitySource implements TokenSource {

  /** Like the AWS SDKs: credentials are renewed five minutes before they expire. */
  private static final Duration MAX_SKEW = Duration.ofMinutes(5);

  /** STS error codes are words (InvalidIdentityToken, ExpiredTokenException, AccessDenied). */
  private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z]{1,64}");

  private final SecretRef.AwsWebIdentity ref;
  private final SecretSource tokenFile;
  private final TokenEndpoint endpoint;
  private final Clock clock;

  AwsWebIdentitySource(SecretRef.AwsWebIdentity ref, SecretSource tokenFile, Clock clock) {
    this.ref = ref;
    this.tokenFile = tokenFile;
    this.clock = clock;
    this.endpoint = new TokenEndpoint(ref.stsUrl(), ref.caFile(), "aws sts " + ref.stsUrl());
  }

  @Override
  public IssuedToken issue() throws SecretUnavailableException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("Action", "AssumeRoleWithWebIdentity");
    form.put("Version", "2011-06-15");
    form.put("RoleArn", ref.roleArn());
    form.put("RoleSessionName", ref.sessionName());
    form.put("WebIdentityToken", tokenFile.read().reveal());
    Instant asked = clock.instant();
    TokenEndpoint.RawAnswer answer =
        endpoint.send(
            Map.of(),
            "application/x-www-form-urlencoded; charset=utf-8",
            "text/xml",
            TokenEndpoint.form(form));
    StsAnswer parsed;
    try {
      parsed = StsAnswer.parse(answer.body());
    } catch (IllegalArgumentException e) {
      throw new SecretStoreDownException(
          endpoint.describe() + " answered HTTP " + answer.status() + " without an XML body");
    }
    if (answer.status() != 200) {
      throw refusal(answer.status(), parsed.text("Code"));
    }
    AwsCredentials credentials =
        new AwsCredentials(
            part(parsed, "AccessKeyId"),
            part(parsed, "SecretAccessKey"),
            part(parsed, "SessionToken"));
    Duration lifetime;
    try {
      lifetime = Duration.between(asked, Instant.parse(String.valueOf(parsed.text("Expiration"))));
    } catch (DateTimeParseException e) {
      throw new SecretStoreDownException(endpoint.describe() + " answered without an Expiration");
    }
    return new IssuedToken(credentials.packed(), lifetime);
  }

  @Override
  public Duration maxSkew() {
    return MAX_SKEW;
  }

  @Override
  public String describe() {
    return ref.describe();
  }

  private SecretValue part(StsAnswer answer, String name) throws SecretUnavailableException {
    String text = answer.text(name);
    if (text == null || text.isEmpty()) {
      throw new SecretStoreDownException(endpoint.describe() + " answered without " + name);
    }
    return SecretValue.checked(text, endpoint.describe() + " " + name);
  }

  private SecretUnavailableException refusal(int status, String code) {
    String said = "HTTP " + status;
    if (code != null && ERROR_CODE.matcher(code).matches()) {
      said += " " + code;
    }
    if (TokenEndpoint.isOutage(status)) {
      return new SecretStoreDownException(endpoint.describe() + " failed (" + said + ")");
    }
    return new SecretUnavailableException(
        endpoint.describe() + " refused the web identity token (" + said + ")");
  }
}

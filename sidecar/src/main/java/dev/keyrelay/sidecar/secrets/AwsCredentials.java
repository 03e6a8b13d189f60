package dev.keyrelay.sidecar.secrets;

/**
 * AWS credentials for signing. The resolver, its caches and the proxy carry one {@link SecretValue}
 * per route, so the parts travel packed in one value, a line each: they are single-line values, so
 * a line break cannot occur inside one.
 *
 * @param sessionToken the session token of temporary credentials, or null
 */
public record AwsCredentials(
    SecretValue accessKeyId, SecretValue secretAccessKey, SecretValue sessionToken) {

  /** The parts in one value. */
  public SecretValue packed() {
    String text = accessKeyId.reveal() + "\n" + secretAccessKey.reveal();
    return new SecretValue(sessionToken == null ? text : text + "\n" + sessionToken.reveal());
  }

  /**
   * The credentials packed in {@code value} by {@link #packed()}.
   *
   * @throws SecretInvalidException when the value was not packed by {@link #packed()}
   */
  public static AwsCredentials unpack(SecretValue value) throws SecretInvalidException {
    String[] parts = value.reveal().split("\n", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new SecretInvalidException("the secret is not a set of AWS credentials");
    }
    return new AwsCredentials(
        new SecretValue(parts[0]),
        new SecretValue(parts[1]),
        parts.length == 3 ? new SecretValue(parts[2]) : null);
  }
}

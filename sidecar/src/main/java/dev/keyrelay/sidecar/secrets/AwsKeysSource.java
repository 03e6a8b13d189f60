package dev.keyrelay.sidecar.secrets;

import dev.keyrelay.sidecar.config.SecretRef;

/**
 * AWS credentials read from stores: an access key pair and, for temporary ones, a session token.
 */
final class AwsKeysSource implements SecretSource {

  private final SecretRef.Aws ref;
  private final SecretSource accessKeyId;
  private final SecretSource secretAccessKey;
  private final SecretSource sessionToken;

  /**
   * @param sessionToken null for long-term keys
   */
  AwsKeysSource(
      SecretRef.Aws ref,
      SecretSource accessKeyId,
      SecretSource secretAccessKey,
      SecretSource sessionToken) {
    this.ref = ref;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
  }

  @Override
  public SecretValue read() throws SecretUnavailableException {
    return new AwsCredentials(
            accessKeyId.read(),
            secretAccessKey.read(),
            sessionToken == null ? null : sessionToken.read())
        .packed();
  }

  @Override
  public String describe() {
    return ref.describe();
  }

  @Override
  public boolean remote() {
    return accessKeyId.remote()
        || secretAccessKey.remote()
        || sessionToken != null && sessionToken.remote();
  }

  @Override
  public boolean inMemory() {
    return accessKeyId.inMemory()
        && secretAccessKey.inMemory()
        && (sessionToken == null || sessionToken.inMemory());
  }
}

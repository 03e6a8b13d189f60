package dev.keyrelay.sidecar.secrets;

import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.VaultSettings;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * Builds the {@link SecretSource} for a configured {@link SecretRef}. Vault secrets share one
 * client and one login session.
 */
public final class SecretSources {

  private final VaultClient vaultClient;
  private final VaultSession vaultSession;
  private final Executor blockingExecutor;

  /**
   * @param vault how to reach Vault, or null when no secret uses it
   * @param blockingExecutor where database leases are renewed; never an event loop
   * @throws IllegalArgumentException when the Vault settings cannot be used (an unreadable CA file)
   */
  public SecretSources(VaultSettings vault, Executor blockingExecutor) {
    this.blockingExecutor = blockingExecutor;
    this.vaultClient = vault == null ? null : new VaultClient(vault);
    this.vaultSession =
        vault == null ? null : new VaultSession(vaultClient, vault.auth(), Clock.systemUTC());
  }

  /**
   * Creates the source a reference points to.
   *
   * @throws IllegalArgumentException for a Vault secret without Vault settings
   */
  public SecretSource create(SecretRef ref) {
    return create(ref, SecretValue.Form.LINE);
  }

  private SecretSource create(SecretRef ref, SecretValue.Form form) {
    if (ref instanceof SecretRef.Env env) {
      return new EnvSecretSource(env.variable(), form);
    }
    if (ref instanceof SecretRef.File file) {
      return new FileSecretSource(file.path(), ref.describe(), form);
    }
    if (ref instanceof SecretRef.Kubernetes secret) {
      return new FileSecretSource(secret.path(), ref.describe(), form);
    }
    if (ref instanceof SecretRef.OAuth2 oauth2) {
      return new OAuth2TokenSource(
          oauth2,
          oauth2.clientSecret() == null ? null : create(oauth2.clientSecret()),
          oauth2.refreshToken() == null ? null : create(oauth2.refreshToken()));
    }
    if (ref instanceof SecretRef.GitHubApp app) {
      return new GitHubAppTokenSource(
          app, create(app.privateKey(), SecretValue.Form.DOCUMENT), Clock.systemUTC());
    }
    if (ref instanceof SecretRef.Aws aws) {
      return new AwsKeysSource(
          aws,
          create(aws.accessKeyId()),
          create(aws.secretAccessKey()),
          aws.sessionToken() == null ? null : create(aws.sessionToken()));
    }
    if (ref instanceof SecretRef.AwsWebIdentity identity) {
      return new AwsWebIdentitySource(
          identity,
          new FileSecretSource(
              identity.tokenFile(), "aws web identity token file " + identity.tokenFile()),
          Clock.systemUTC());
    }
    if (vaultClient == null) {
      throw new IllegalArgumentException(ref.describe() + " needs the vault settings");
    }
    if (ref instanceof SecretRef.VaultDatabase database) {
      return new VaultDatabaseSource(
          database, vaultClient, vaultSession, blockingExecutor, Clock.systemUTC());
    }
    return new VaultSecretSource((SecretRef.Vault) ref, vaultClient, vaultSession, form);
  }

  /**
   * The kind of reference as a metric tag value: env, file, kubernetes, vault, oauth2, githubapp,
   * aws, awswebidentity, vaultdatabase.
   */
  public static String kind(SecretRef ref) {
    return ref.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }
}

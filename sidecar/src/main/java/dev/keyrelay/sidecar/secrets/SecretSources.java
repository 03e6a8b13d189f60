package dev.keyrelay.sidecar.secrets;

import dev.keyrelay.sidecar.config.SecretRef;
import java.util.Locale;

/** Builds the {@link SecretSource} for a configured {@link SecretRef}. */
public final class SecretSources {

  private SecretSources() {}

  /**
   * Creates the source a reference points to.
   *
   * @throws IllegalArgumentException for a kind of reference this build cannot read yet
   */
  public static SecretSource create(SecretRef ref) {
    if (ref instanceof SecretRef.Env env) {
      return new EnvSecretSource(env.variable());
    }
    if (ref instanceof SecretRef.File file) {
      return new FileSecretSource(file.path(), ref.describe());
    }
    if (ref instanceof SecretRef.Kubernetes secret) {
      return new FileSecretSource(secret.path(), ref.describe());
    }
    throw new IllegalArgumentException("unsupported secret source: " + ref.describe());
  }

  /** The kind of reference as a metric tag value: env, file, kubernetes. */
  public static String kind(SecretRef ref) {
    return ref.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }
}

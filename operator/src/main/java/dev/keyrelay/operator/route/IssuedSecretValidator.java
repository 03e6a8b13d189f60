package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.AwsWebIdentitySource;
import dev.keyrelay.operator.api.v1alpha1.GitHubAppSource;
import dev.keyrelay.operator.api.v1alpha1.KeyRef;
import dev.keyrelay.operator.api.v1alpha1.OAuth2Source;
import dev.keyrelay.operator.api.v1alpha1.SecretReference;
import dev.keyrelay.operator.api.v1alpha1.StoredSecret;
import java.util.List;

/**
 * Checks {@code spec.secret.oauth2}, {@code githubApp}, {@code aws} and {@code awsWebIdentity} with
 * the sidecar's rules, so that a route the sidecar would refuse is never published.
 */
final class IssuedSecretValidator {

  private static final String HTTPS_URL = "^https://[^\\s?#@]+$";
  private static final String SCOPE = OAuth2Source.SCOPE_PATTERN;
  private static final String REPOSITORY = "^[-._A-Za-z0-9]{1,100}$";
  private static final String PERMISSION = "^[a-z][a-z_]*$";

  private IssuedSecretValidator() {}

  static void validate(SecretReference secret, Violations v) {
    if (secret.getOauth2() != null) {
      oauth2(secret.getOauth2(), "spec.secret.oauth2", v);
    }
    if (secret.getGithubApp() != null) {
      githubApp(secret.getGithubApp(), "spec.secret.githubApp", v);
    }
    if (secret.getAws() != null) {
      String field = "spec.secret.aws";
      if (v.required(secret.getAws().getAccessKeyId(), field + ".accessKeyId")) {
        stored(secret.getAws().getAccessKeyId(), field + ".accessKeyId", v);
      }
      if (v.required(secret.getAws().getSecretAccessKey(), field + ".secretAccessKey")) {
        stored(secret.getAws().getSecretAccessKey(), field + ".secretAccessKey", v);
      }
      stored(secret.getAws().getSessionToken(), field + ".sessionToken", v);
    }
    if (secret.getAwsWebIdentity() != null) {
      awsWebIdentity(secret.getAwsWebIdentity(), "spec.secret.awsWebIdentity", v);
    }
    List<KeyRef> keys = SecretKeys.of(secret);
    v.check(
        keys.stream().map(KeyRef::getName).distinct().count() <= 1,
        "spec.secret",
        "names more than one Secret; the keys of one route must be in one Secret");
  }

  private static void oauth2(OAuth2Source oauth2, String field, Violations v) {
    v.matches(oauth2.getTokenUrl(), HTTPS_URL, field + ".tokenUrl", "an https URL");
    v.matches(
        oauth2.getGrantType(),
        "^(client_credentials|refresh_token)$",
        field + ".grantType",
        "client_credentials or refresh_token");
    v.check(
        oauth2.getClientId() != null && !oauth2.getClientId().isEmpty(),
        field + ".clientId",
        "is required");
    if ("client_credentials".equals(oauth2.getGrantType())) {
      v.required(oauth2.getClientSecret(), field + ".clientSecret");
      v.check(
          oauth2.getRefreshToken() == null,
          field + ".refreshToken",
          "is only for grantType refresh_token");
    } else if ("refresh_token".equals(oauth2.getGrantType())) {
      v.required(oauth2.getRefreshToken(), field + ".refreshToken");
    }
    stored(oauth2.getClientSecret(), field + ".clientSecret", v);
    stored(oauth2.getRefreshToken(), field + ".refreshToken", v);
    List<String> scopes = oauth2.getScopes() == null ? List.of() : oauth2.getScopes();
    for (int i = 0; i < scopes.size(); i++) {
      v.matches(scopes.get(i), SCOPE, field + ".scopes[" + i + "]", "an OAuth scope");
    }
  }

  private static void githubApp(GitHubAppSource app, String field, Violations v) {
    v.matches(
        app.getAppId(), "^([0-9]+|Iv[0-9A-Za-z.]+)$", field + ".appId", "an App ID or client ID");
    if (v.required(app.getInstallationId(), field + ".installationId")) {
      v.check(app.getInstallationId() > 0, field + ".installationId", "must be positive");
    }
    if (v.required(app.getPrivateKey(), field + ".privateKey")) {
      stored(app.getPrivateKey(), field + ".privateKey", v);
    }
    if (app.getApiUrl() != null) {
      v.matches(app.getApiUrl(), HTTPS_URL, field + ".apiUrl", "an https URL");
    }
    List<String> repositories = app.getRepositories() == null ? List.of() : app.getRepositories();
    for (int i = 0; i < repositories.size(); i++) {
      v.matches(
          repositories.get(i), REPOSITORY, field + ".repositories[" + i + "]", "a repository name");
    }
    if (app.getPermissions() != null) {
      app.getPermissions()
          .forEach(
              (name, level) -> {
                v.matches(name, PERMISSION, field + ".permissions", "a permission name");
                v.matches(
                    level,
                    "^(read|write|admin)$",
                    field + ".permissions." + name,
                    "read, write or admin");
              });
    }
  }

  private static void awsWebIdentity(AwsWebIdentitySource identity, String field, Violations v) {
    v.matches(
        identity.getRoleArn(),
        AwsWebIdentitySource.ROLE_ARN_PATTERN,
        field + ".roleArn",
        "an IAM role ARN");
    v.matches(identity.getTokenFile(), "^/[^\\x00]*$", field + ".tokenFile", "an absolute path");
    v.maxLength(identity.getTokenFile(), 1024, field + ".tokenFile");
    if (identity.getStsUrl() != null) {
      v.matches(identity.getStsUrl(), HTTPS_URL, field + ".stsUrl", "an https URL");
    }
    if (identity.getSessionName() != null) {
      v.matches(
          identity.getSessionName(),
          AwsWebIdentitySource.SESSION_NAME_PATTERN,
          field + ".sessionName",
          "a role session name");
    }
  }

  private static void stored(StoredSecret secret, String field, Violations v) {
    if (secret == null) {
      return;
    }
    if (v.check(
        (secret.getKubernetes() != null) != (secret.getVault() != null),
        field,
        "exactly one of kubernetes or vault must be set")) {
      if (secret.getKubernetes() != null) {
        RouteSpecValidator.keyRef(secret.getKubernetes(), field + ".kubernetes", v);
      } else {
        RouteSpecValidator.vaultRef(secret.getVault(), field + ".vault", v);
      }
    }
  }
}

package dev.keyrelay.sidecar.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Where a route's secret value comes from; exactly one kind per route. */
public sealed interface SecretRef {

  /** A short description for logs and errors; never the value. */
  String describe();

  /** Whether the value is a token an issuer hands out with a lifetime, rather than stored. */
  default boolean issued() {
    return false;
  }

  /** An environment variable of the sidecar process (standalone use). */
  record Env(String variable) implements SecretRef {
    @Override
    public String describe() {
      return "env " + variable;
    }
  }

  /**
   * A file whose whole content (trailing newline trimmed) is the value; symlink swaps are followed.
   */
  record File(Path path) implements SecretRef {
    @Override
    public String describe() {
      return "file " + path;
    }
  }

  /** A key of a Kubernetes Secret mounted into the sidecar at {@code <mountRoot>/<name>/<key>}. */
  record Kubernetes(String name, String key, Path mountRoot) implements SecretRef {
    public Path path() {
      return mountRoot.resolve(name).resolve(key);
    }

    @Override
    public String describe() {
      return "kubernetes secret " + name + "/" + key;
    }
  }

  /**
   * A field of a Vault KV v2 secret.
   *
   * @param path the API path under {@code /v1/} with the mount's {@code data} segment, e.g. {@code
   *     secret/data/agents/internal}
   */
  record Vault(String path, String field) implements SecretRef {
    @Override
    public String describe() {
      return "vault secret " + path + " field " + field;
    }
  }

  /**
   * A username and password from a Vault database secrets engine role ({@code GET
   * /v1/<mount>/creds/<role>}), leased: a PostgreSQL listener's login.
   */
  record VaultDatabase(String mount, String role) implements SecretRef {
    @Override
    public boolean issued() {
      return true;
    }

    @Override
    public String describe() {
      return "vault database credentials " + mount + "/creds/" + role;
    }
  }

  /**
   * An OAuth 2.0 access token the sidecar obtains at {@code tokenUrl} (RFC 6749 section 4.4 or 6)
   * and renews before it expires.
   *
   * @param clientSecret the client's secret, or null for a public client
   * @param refreshToken the refresh token for {@link GrantType#REFRESH_TOKEN}, else null
   * @param audience the {@code audience} parameter some providers require, or null
   * @param caFile PEM trust for the token endpoint instead of the system roots, or null
   */
  record OAuth2(
      URI tokenUrl,
      GrantType grantType,
      String clientId,
      SecretRef clientSecret,
      SecretRef refreshToken,
      List<String> scopes,
      String audience,
      Path caFile)
      implements SecretRef {

    /** The grants the sidecar can run without a user present. */
    public enum GrantType {
      CLIENT_CREDENTIALS("client_credentials"),
      REFRESH_TOKEN("refresh_token");

      private final String wireName;

      GrantType(String wireName) {
        this.wireName = wireName;
      }

      /** The {@code grant_type} parameter's value. */
      public String wireName() {
        return wireName;
      }
    }

    @Override
    public boolean issued() {
      return true;
    }

    @Override
    public String describe() {
      return "oauth2 token from " + tokenUrl;
    }
  }

  /**
   * A GitHub App installation access token, exchanged for a JWT signed with the App's private key.
   *
   * @param appId the App's numeric ID or its client ID (the JWT's issuer)
   * @param apiUrl the REST API root, e.g. {@code https://api.github.com}
   * @param repositories repository names the token is limited to; empty for all the installation's
   * @param permissions permission name to {@code read} or {@code write}; empty for the App's own
   * @param caFile PEM trust for the API instead of the system roots (GitHub Enterprise), or null
   */
  record GitHubApp(
      String appId,
      long installationId,
      SecretRef privateKey,
      URI apiUrl,
      List<String> repositories,
      Map<String, String> permissions,
      Path caFile)
      implements SecretRef {
    @Override
    public boolean issued() {
      return true;
    }

    @Override
    public String describe() {
      return "github app " + appId + " installation " + installationId;
    }
  }

  /**
   * AWS credentials kept in stores: an access key pair, and a session token for temporary ones.
   *
   * @param sessionToken the session token of temporary credentials, or null
   */
  record Aws(SecretRef accessKeyId, SecretRef secretAccessKey, SecretRef sessionToken)
      implements SecretRef {
    @Override
    public String describe() {
      return "aws credentials from " + accessKeyId.describe();
    }
  }

  /**
   * Temporary AWS credentials the sidecar obtains at STS with {@code AssumeRoleWithWebIdentity},
   * presenting the token in {@code tokenFile} (IRSA, EKS Pod Identity style projected tokens).
   *
   * @param stsUrl the STS endpoint, e.g. {@code https://sts.us-east-1.amazonaws.com}
   * @param sessionName the {@code RoleSessionName}, which shows in CloudTrail
   * @param caFile PEM trust for STS instead of the system roots, or null
   */
  record AwsWebIdentity(String roleArn, Path tokenFile, URI stsUrl, String sessionName, Path caFile)
      implements SecretRef {
    @Override
    public boolean issued() {
      return true;
    }

    @Override
    public String describe() {
      return "aws role " + roleArn;
    }
  }
}

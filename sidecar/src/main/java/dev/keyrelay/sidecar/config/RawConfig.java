package dev.keyrelay.sidecar.config;

import java.util.List;
import java.util.Map;

/** The config file exactly as written, before defaults and validation; null means "not given". */
record RawConfig(
    Proxy proxy,
    Admin admin,
    Ca ca,
    Egress egress,
    List<Route> routes,
    Secrets secrets,
    List<Listener> listeners,
    Vault vault,
    Transparent transparent,
    Pod pod) {

  static final RawConfig EMPTY =
      new RawConfig(null, null, null, null, null, null, null, null, null, null);

  record Proxy(
      String listen,
      Boolean allowNonLoopback,
      String connectTimeout,
      String idleTimeout,
      Integer workers,
      String headerTimeout,
      String clientIdleTimeout,
      Integer maxConnections,
      List<ProxyToken> tokens) {
    static final Proxy EMPTY = new Proxy(null, null, null, null, null, null, null, null, null);
  }

  record ProxyToken(String name, Secret secret) {}

  record Transparent(String httpsListen, String httpListen) {}

  record Admin(String listen) {
    static final Admin EMPTY = new Admin(null);
  }

  record Ca(String dir, String keyFile) {
    static final Ca EMPTY = new Ca(null, null);
  }

  record Pod(String labelsFile, String annotationsFile) {}

  record PodSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {}

  record Requirement(String key, String operator, List<String> values) {}

  record Egress(List<String> exceptions, List<String> allowList, List<String> blockList) {
    static final Egress EMPTY = new Egress(null, null, null);
  }

  record Route(
      String name,
      Match match,
      Upstream upstream,
      Auth auth,
      Secret secret,
      Boolean allowInsecureHttp,
      Boolean scrub,
      List<Rule> rules,
      Limits limits,
      PodSelector podSelector) {}

  record Rule(List<String> methods, List<String> paths) {}

  record Limits(Integer requestsPerMinute, Integer concurrent) {}

  record Match(String host, Integer port) {}

  record Upstream(String caFile) {}

  record Auth(
      String type,
      String headerName,
      String scheme,
      String username,
      String service,
      String region) {}

  record Secret(
      String env,
      String file,
      KubernetesSecret kubernetes,
      VaultSecret vault,
      OAuth2Secret oauth2,
      GitHubAppSecret githubApp,
      AwsSecret aws,
      AwsWebIdentitySecret awsWebIdentity,
      VaultDatabaseSecret vaultDatabase) {

    /** Whether this secret, or one it refers to, is read from Vault. */
    boolean usesVault() {
      return vault != null
          || vaultDatabase != null
          || oauth2 != null
              && (usesVault(oauth2.clientSecret()) || usesVault(oauth2.refreshToken()))
          || githubApp != null && usesVault(githubApp.privateKey())
          || aws != null
              && (usesVault(aws.accessKeyId())
                  || usesVault(aws.secretAccessKey())
                  || usesVault(aws.sessionToken()));
    }

    private static boolean usesVault(Secret secret) {
      return secret != null && secret.usesVault();
    }
  }

  record OAuth2Secret(
      String tokenUrl,
      String grantType,
      String clientId,
      Secret clientSecret,
      Secret refreshToken,
      List<String> scopes,
      String audience,
      String caFile) {}

  record GitHubAppSecret(
      String appId,
      Long installationId,
      Secret privateKey,
      String apiUrl,
      List<String> repositories,
      Map<String, String> permissions,
      String caFile) {}

  record AwsSecret(Secret accessKeyId, Secret secretAccessKey, Secret sessionToken) {}

  record AwsWebIdentitySecret(
      String roleArn, String tokenFile, String stsUrl, String sessionName, String caFile) {}

  record KubernetesSecret(String name, String key) {}

  record VaultSecret(String path, String field) {}

  record VaultDatabaseSecret(String mount, String role) {}

  record Listener(String name, Postgres postgres, Secret secret, PodSelector podSelector) {}

  record Postgres(
      String listen,
      PostgresUpstream upstream,
      String user,
      List<String> databases,
      String clientTls,
      String startupTimeout) {}

  record PostgresUpstream(String host, Integer port, String sslMode, String caFile) {}

  record Secrets(String kubernetesMountRoot, String cacheTtl, String staleGrace) {
    static final Secrets EMPTY = new Secrets(null, null, null);
  }

  record Vault(String address, String namespace, String caFile, VaultAuth auth) {}

  record VaultAuth(VaultKubernetesAuth kubernetes, String tokenFile) {}

  record VaultKubernetesAuth(String role, String tokenFile) {}
}

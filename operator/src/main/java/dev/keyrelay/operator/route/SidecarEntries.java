package dev.keyrelay.operator.route;

import dev.keyrelay.contract.PodLayout;
import dev.keyrelay.operator.api.v1alpha1.AuthType;
import dev.keyrelay.operator.api.v1alpha1.AwsKeysSource;
import dev.keyrelay.operator.api.v1alpha1.AwsWebIdentitySource;
import dev.keyrelay.operator.api.v1alpha1.ClientTls;
import dev.keyrelay.operator.api.v1alpha1.CredentialRouteSpec;
import dev.keyrelay.operator.api.v1alpha1.GitHubAppSource;
import dev.keyrelay.operator.api.v1alpha1.HttpAuthSpec;
import dev.keyrelay.operator.api.v1alpha1.HttpRouteSpec;
import dev.keyrelay.operator.api.v1alpha1.HttpRuleSpec;
import dev.keyrelay.operator.api.v1alpha1.KeyRef;
import dev.keyrelay.operator.api.v1alpha1.OAuth2Source;
import dev.keyrelay.operator.api.v1alpha1.PostgresListenerSpec;
import dev.keyrelay.operator.api.v1alpha1.PostgresUpstreamSpec;
import dev.keyrelay.operator.api.v1alpha1.SecretReference;
import dev.keyrelay.operator.api.v1alpha1.SslMode;
import dev.keyrelay.operator.api.v1alpha1.StoredSecret;
import dev.keyrelay.operator.api.v1alpha1.VaultDatabaseRef;
import dev.keyrelay.operator.api.v1alpha1.VaultRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One route or listener of the sidecar config, as ordered maps in the sidecar's field names (API
 * enums are left as values: Jackson writes their {@code @JsonProperty} spelling).
 */
final class SidecarEntries {

  private static final int DEFAULT_POSTGRES_PORT = 5432;

  private SidecarEntries() {}

  static Map<String, Object> route(String name, CredentialRouteSpec spec) {
    HttpRouteSpec http = spec.getHttp();
    Map<String, Object> route = new LinkedHashMap<>();
    route.put("name", name);
    Map<String, Object> match = new LinkedHashMap<>();
    match.put("host", RouteHosts.canonical(http.getHost()));
    putIfSet(match, "port", http.getPort());
    route.put("match", match);
    route.put("auth", auth(http.getAuth()));
    route.put("secret", secret(spec.getSecret()));
    if (http.getUpstreamCa() != null) {
      route.put(
          "upstream",
          Map.of("caFile", PodLayout.trustFile(name, http.getUpstreamCa().selectedKey())));
    }
    if (Boolean.TRUE.equals(http.getAllowInsecureHttp())) {
      route.put("allowInsecureHttp", true);
    }
    if (http.getRules() != null) {
      route.put("rules", http.getRules().stream().map(SidecarEntries::rule).toList());
    }
    if (http.getLimits() != null) {
      Map<String, Object> limits = new LinkedHashMap<>();
      putIfSet(limits, "requestsPerMinute", http.getLimits().getRequestsPerMinute());
      putIfSet(limits, "concurrent", http.getLimits().getConcurrent());
      route.put("limits", limits);
    }
    putSelector(route, spec);
    return route;
  }

  static Map<String, Object> listener(String name, CredentialRouteSpec spec) {
    PostgresListenerSpec pg = spec.getPostgres();
    PostgresUpstreamSpec up = pg.getUpstream();
    Map<String, Object> upstream = new LinkedHashMap<>();
    upstream.put("host", RouteHosts.canonical(up.getHost()));
    upstream.put("port", up.getPort() == null ? DEFAULT_POSTGRES_PORT : up.getPort());
    upstream.put("sslMode", up.getSslMode() == null ? SslMode.VERIFY_FULL : up.getSslMode());
    if (up.getCa() != null) {
      upstream.put("caFile", PodLayout.trustFile(name, up.getCa().selectedKey()));
    }
    Map<String, Object> postgres = new LinkedHashMap<>();
    postgres.put("listen", PodLayout.LOOPBACK + ":" + pg.getListenPort());
    postgres.put("upstream", upstream);
    if (pg.getUser() != null) {
      postgres.put("user", pg.getUser());
    }
    if (pg.getDatabases() != null && !pg.getDatabases().isEmpty()) {
      postgres.put("databases", pg.getDatabases().stream().sorted().toList());
    }
    postgres.put("clientTls", pg.getClientTls() == null ? ClientTls.ACCEPT : pg.getClientTls());
    Map<String, Object> listener = new LinkedHashMap<>();
    listener.put("name", name);
    listener.put("postgres", postgres);
    listener.put("secret", secret(spec.getSecret()));
    putSelector(listener, spec);
    return listener;
  }

  private static Map<String, Object> rule(HttpRuleSpec rule) {
    Map<String, Object> entry = new LinkedHashMap<>();
    putIfSet(entry, "methods", rule.getMethods());
    putIfSet(entry, "paths", rule.getPaths());
    return entry;
  }

  private static Map<String, Object> auth(HttpAuthSpec auth) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", auth.getType());
    if (auth.getType() == AuthType.BASIC) {
      out.put("username", auth.getUsername());
    } else if (auth.getType() == AuthType.AWS_SIG_V4) {
      out.put("service", auth.getService());
      out.put("region", auth.getRegion());
    } else {
      out.put("headerName", auth.getHeaderName());
      putIfSet(out, "scheme", auth.getScheme());
    }
    return out;
  }

  private static Map<String, Object> secret(SecretReference secret) {
    if (secret.getOauth2() != null) {
      return Map.of("oauth2", oauth2(secret.getOauth2()));
    }
    if (secret.getGithubApp() != null) {
      return Map.of("githubApp", githubApp(secret.getGithubApp()));
    }
    if (secret.getAws() != null) {
      return Map.of("aws", aws(secret.getAws()));
    }
    if (secret.getAwsWebIdentity() != null) {
      return Map.of("awsWebIdentity", awsWebIdentity(secret.getAwsWebIdentity()));
    }
    if (secret.getVaultDatabase() != null) {
      VaultDatabaseRef ref = secret.getVaultDatabase();
      Map<String, Object> database = new LinkedHashMap<>();
      database.put("mount", ref.getMount() == null ? "database" : ref.getMount());
      database.put("role", ref.getRole());
      return Map.of("vaultDatabase", database);
    }
    return stored(secret.getKubernetes(), secret.getVault());
  }

  private static Map<String, Object> aws(AwsKeysSource aws) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accessKeyId", stored(aws.getAccessKeyId()));
    out.put("secretAccessKey", stored(aws.getSecretAccessKey()));
    if (aws.getSessionToken() != null) {
      out.put("sessionToken", stored(aws.getSessionToken()));
    }
    return out;
  }

  private static Map<String, Object> awsWebIdentity(AwsWebIdentitySource identity) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("roleArn", identity.getRoleArn());
    out.put("tokenFile", identity.getTokenFile());
    putIfSet(out, "stsUrl", identity.getStsUrl());
    putIfSet(out, "sessionName", identity.getSessionName());
    return out;
  }

  private static Map<String, Object> stored(StoredSecret secret) {
    return stored(secret.getKubernetes(), secret.getVault());
  }

  private static Map<String, Object> stored(KeyRef kubernetes, VaultRef vault) {
    Map<String, Object> ref = new LinkedHashMap<>();
    if (kubernetes != null) {
      ref.put("name", kubernetes.getName());
      ref.put("key", kubernetes.getKey());
      return Map.of("kubernetes", ref);
    }
    ref.put("path", vault.getPath());
    ref.put("field", vault.getField());
    return Map.of("vault", ref);
  }

  private static Map<String, Object> oauth2(OAuth2Source oauth2) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tokenUrl", oauth2.getTokenUrl());
    out.put("grantType", oauth2.getGrantType());
    out.put("clientId", oauth2.getClientId());
    if (oauth2.getClientSecret() != null) {
      out.put("clientSecret", stored(oauth2.getClientSecret()));
    }
    if (oauth2.getRefreshToken() != null) {
      out.put("refreshToken", stored(oauth2.getRefreshToken()));
    }
    putIfSet(out, "scopes", oauth2.getScopes());
    putIfSet(out, "audience", oauth2.getAudience());
    return out;
  }

  private static Map<String, Object> githubApp(GitHubAppSource app) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("appId", app.getAppId());
    out.put("installationId", app.getInstallationId());
    out.put("privateKey", stored(app.getPrivateKey()));
    putIfSet(out, "apiUrl", app.getApiUrl());
    putIfSet(out, "repositories", app.getRepositories());
    if (app.getPermissions() != null) {
      out.put("permissions", new TreeMap<>(app.getPermissions()));
    }
    return out;
  }

  /** The sidecar enforces the selector itself; an empty one (every pod) is left out. */
  private static void putSelector(Map<String, Object> entry, CredentialRouteSpec spec) {
    Map<String, Object> selector = RoutesConfigRenderer.selector(spec.getPodSelector());
    if (!selector.isEmpty()) {
      entry.put("podSelector", selector);
    }
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}

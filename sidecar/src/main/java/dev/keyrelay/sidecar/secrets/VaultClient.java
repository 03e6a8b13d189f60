package dev.keyrelay.sidecar.secrets;

import dev.keyrelay.sidecar.config.VaultSettings;
import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.DatabaseResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import io.github.jopenlibs.vault.response.VaultResponse;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The Vault HTTP API calls the sidecar makes, through vault-java-driver: KV v2 read, database
 * credentials and their lease renewal, Kubernetes login, token lookup and renewal. Holds no token;
 * every call names the one to use.
 */
final class VaultClient {

  private static final int CONNECT_TIMEOUT_SECONDS = 5;
  private static final int READ_TIMEOUT_SECONDS = 10;

  /** Keeps the driver from picking up VAULT_ADDR, VAULT_TOKEN and the like from the process. */
  private static final EnvironmentLoader NO_ENVIRONMENT =
      new EnvironmentLoader() {
        @Override
        public String loadVariable(String name) {
          return null;
        }
      };

  private final VaultSettings settings;
  private final HttpClient http;

  /**
   * @throws IllegalArgumentException when {@code vault.caFile} cannot be used
   */
  VaultClient(VaultSettings settings) {
    this.settings = settings;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS));
    if (settings.caFile() != null) {
      builder.sslContext(CaTrust.of(settings.caFile(), "vault.caFile"));
    }
    this.http = builder.build();
  }

  /**
   * Reads a KV v2 secret; 4xx answers come back as a response, others as an exception.
   *
   * @param mountDepth how many leading segments of {@code path} name the mount
   * @param path the secret's path without the {@code data} segment the driver inserts
   */
  LogicalResponse read(String token, int mountDepth, String path) throws VaultException {
    return vault(token, mountDepth).logical().withNameSpace(settings.namespace()).read(path);
  }

  /** {@code GET /v1/<mount>/creds/<role>}; a 404 comes back as a response, others throw. */
  DatabaseResponse databaseCredentials(String token, String mount, String role)
      throws VaultException {
    return vault(token, 1).database(mount).withNameSpace(settings.namespace()).creds(role);
  }

  /** Renews a lease ({@code /v1/sys/leases/renew}) by {@code increment} seconds. */
  VaultResponse renewLease(String token, String leaseId, long incrementSeconds)
      throws VaultException {
    return vault(token, 1)
        .leases()
        .withNameSpace(settings.namespace())
        .renew(leaseId, incrementSeconds);
  }

  AuthResponse loginByKubernetes(String role, String jwt) throws VaultException {
    return auth(null).loginByKubernetes(role, jwt);
  }

  LookupResponse lookupSelf(String token) throws VaultException {
    return auth(token).lookupSelf();
  }

  AuthResponse renewSelf(String token) throws VaultException {
    return auth(token).renewSelf();
  }

  String address() {
    return settings.address().toString();
  }

  private Auth auth(String token) throws VaultException {
    return vault(token, 1).auth().withNameSpace(settings.namespace());
  }

  // The namespace goes on each operation: set on the config, the driver logs it on every call.
  private Vault vault(String token, int mountDepth) throws VaultException {
    VaultConfig config =
        new VaultConfig()
            .environmentLoader(NO_ENVIRONMENT)
            .address(settings.address().toString())
            .httpClient(http)
            .openTimeout(CONNECT_TIMEOUT_SECONDS)
            .readTimeout(READ_TIMEOUT_SECONDS)
            .engineVersion(2)
            .prefixPathDepth(mountDepth);
    if (token != null) {
      config.token(token);
    }
    return Vault.create(config.build());
  }
}

package dev.keyrelay.sidecar.secrets;

import dev.keyrelay.sidecar.config.SecretRef;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One field of a Vault KV v2 secret; remote, so the resolver caches it. */
final class VaultSecretSource implements SecretSource {

  private final SecretRef.Vault ref;
  private final VaultClient client;
  private final VaultSession session;
  private final SecretValue.Form form;
  private final int mountDepth;
  private final String pathWithoutData;

  VaultSecretSource(
      SecretRef.Vault ref, VaultClient client, VaultSession session, SecretValue.Form form) {
    this.ref = ref;
    this.form = form;
    this.client = client;
    this.session = session;
    // The driver inserts "data" after the mount itself; the config names the full API path.
    List<String> segments = new ArrayList<>(Arrays.asList(ref.path().split("/")));
    this.mountDepth = segments.indexOf("data");
    segments.remove(mountDepth);
    this.pathWithoutData = String.join("/", segments);
  }

  @Override
  public SecretValue read() throws SecretUnavailableException {
    SecretValue token = session.token();
    LogicalResponse response = fetch(token);
    if (status(response) == 403 && session.rejected(token)) {
      response = fetch(session.token());
    }
    return field(response);
  }

  @Override
  public String describe() {
    return ref.describe();
  }

  @Override
  public boolean remote() {
    return true;
  }

  private LogicalResponse fetch(SecretValue token) throws SecretUnavailableException {
    try {
      return client.read(token.reveal(), mountDepth, pathWithoutData);
    } catch (VaultException e) {
      throw VaultFailures.of(e, "reading " + ref.path());
    }
  }

  private SecretValue field(LogicalResponse response) throws SecretUnavailableException {
    int status = status(response);
    if (status == 404) {
      throw new SecretUnavailableException("vault has no secret at " + ref.path() + " (HTTP 404)");
    }
    if (status == 403) {
      throw new SecretUnavailableException(
          "vault denied reading "
              + ref.path()
              + " (HTTP 403): the role's policy must allow read on it");
    }
    if (VaultFailures.isOutage(status)) {
      throw new SecretStoreDownException(
          "vault failed while reading " + ref.path() + " (HTTP " + status + ")");
    }
    if (status != 200) {
      throw new SecretUnavailableException(
          "vault refused reading " + ref.path() + " (HTTP " + status + ")");
    }
    String value = response.getData().get(ref.field());
    if (value == null || value.isEmpty()) {
      throw new SecretUnavailableException(
          "vault secret " + ref.path() + " has no field " + ref.field() + " or it is empty");
    }
    return SecretValue.checked(value, "vault secret " + ref.path() + " field " + ref.field(), form);
  }

  private static int status(LogicalResponse response) {
    return response.getRestResponse().getStatus();
  }
}

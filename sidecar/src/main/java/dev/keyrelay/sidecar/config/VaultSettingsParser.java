package dev.keyrelay.sidecar.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Validates the top-level {@code vault} block into {@link VaultSettings}. */
final class VaultSettingsParser {

  static final String DEFAULT_TOKEN_FILE = "/var/run/secrets/keyrelay/vault-token";
  private static final Pattern NAMESPACE = Pattern.compile("[-._a-zA-Z0-9/]+");

  private VaultSettingsParser() {}

  /** Returns null after recording problems, or when there is no block. */
  static VaultSettings parse(RawConfig.Vault raw, Path configDir, Problems problems) {
    if (raw == null) {
      return null;
    }
    int before = problems.count();
    URI address = null;
    if (raw.address() == null) {
      problems.add("vault.address", "is required");
    } else {
      address = problems.attempt("vault.address", () -> address(raw.address()));
    }
    String namespace = raw.namespace();
    if (namespace != null && !NAMESPACE.matcher(namespace).matches()) {
      problems.add(
          "vault.namespace", "\"" + namespace + "\" is not a Vault namespace ([-._a-zA-Z0-9/]+)");
    }
    Path caFile =
        raw.caFile() == null
            ? null
            : problems.attempt(
                "vault.caFile",
                () ->
                    PemCertificates.requireCertificates(
                        ConfigPaths.resolve(configDir, raw.caFile())));
    VaultSettings.Auth auth = auth(raw.auth(), configDir, problems);
    return problems.count() == before ? new VaultSettings(address, namespace, caFile, auth) : null;
  }

  private static URI address(String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a URL");
    }
    boolean web = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
    String path = uri.getRawPath();
    if (!web
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null
        || (path != null && !path.isEmpty() && !path.equals("/"))) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a Vault address like https://vault.example:8200");
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }

  private static VaultSettings.Auth auth(
      RawConfig.VaultAuth raw, Path configDir, Problems problems) {
    if (raw == null) {
      problems.add("vault.auth", "is required (kubernetes or tokenFile)");
      return null;
    }
    if ((raw.kubernetes() == null) == (raw.tokenFile() == null)) {
      problems.add("vault.auth", "exactly one of kubernetes, tokenFile is required");
      return null;
    }
    if (raw.tokenFile() != null) {
      Path file =
          problems.attempt(
              "vault.auth.tokenFile", () -> ConfigPaths.resolve(configDir, raw.tokenFile()));
      return file == null ? null : new VaultSettings.TokenFile(file);
    }
    RawConfig.VaultKubernetesAuth k8s = raw.kubernetes();
    if (k8s.role() == null || k8s.role().isBlank()) {
      problems.add("vault.auth.kubernetes.role", "is required");
      return null;
    }
    String tokenFile = k8s.tokenFile() == null ? DEFAULT_TOKEN_FILE : k8s.tokenFile();
    Path file =
        problems.attempt(
            "vault.auth.kubernetes.tokenFile", () -> ConfigPaths.resolve(configDir, tokenFile));
    return file == null ? null : new VaultSettings.Kubernetes(k8s.role(), file);
  }
}

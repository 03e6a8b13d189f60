package dev.keyrelay.sidecar.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** Validates a route's {@code secret.oauth2} block into a {@link SecretRef.OAuth2}. */
final class OAuth2RefParser {

  /** RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

  private final Path configDir;
  private final Path mountRoot;
  private final Problems problems;

  OAuth2RefParser(Path configDir, Path mountRoot, Problems problems) {
    this.configDir = configDir;
    this.mountRoot = mountRoot;
    this.problems = problems;
  }

  /** Returns null after recording problems under {@code path}. */
  SecretRef parse(RawConfig.OAuth2Secret raw, String path) {
    int before = problems.count();
    URI tokenUrl = null;
    if (raw.tokenUrl() == null) {
      problems.add(path + ".tokenUrl", "is required");
    } else {
      tokenUrl = problems.attempt(path + ".tokenUrl", () -> HttpsUrls.parse(raw.tokenUrl()));
    }
    SecretRef.OAuth2.GrantType grant = grantType(raw.grantType(), path + ".grantType");
    if (raw.clientId() == null || raw.clientId().isEmpty()) {
      problems.add(path + ".clientId", "is required");
    }
    SecretRef clientSecret = stored(raw.clientSecret(), path + ".clientSecret");
    SecretRef refreshToken = stored(raw.refreshToken(), path + ".refreshToken");
    if (grant == SecretRef.OAuth2.GrantType.CLIENT_CREDENTIALS) {
      if (raw.clientSecret() == null) {
        problems.add(path + ".clientSecret", "is required for grantType client_credentials");
      }
      if (raw.refreshToken() != null) {
        problems.add(path + ".refreshToken", "is only for grantType refresh_token");
      }
    } else if (grant == SecretRef.OAuth2.GrantType.REFRESH_TOKEN && raw.refreshToken() == null) {
      problems.add(path + ".refreshToken", "is required for grantType refresh_token");
    }
    List<String> scopes = Objects.requireNonNullElse(raw.scopes(), List.of());
    for (int i = 0; i < scopes.size(); i++) {
      String scope = scopes.get(i);
      if (scope == null || !SCOPE_TOKEN.matcher(scope).matches()) {
        problems.add(
            path + ".scopes[" + i + "]",
            "is not an OAuth scope (printable ASCII without spaces, quotes or backslashes)");
      }
    }
    if (raw.audience() != null && raw.audience().isEmpty()) {
      problems.add(path + ".audience", "must not be empty when given");
    }
    Path caFile = caFile(raw.caFile(), path + ".caFile", configDir, problems);
    return problems.count() == before
        ? new SecretRef.OAuth2(
            tokenUrl,
            grant,
            raw.clientId(),
            clientSecret,
            refreshToken,
            List.copyOf(scopes),
            raw.audience(),
            caFile)
        : null;
  }

  /** A CA file whose certificates are checked at load, or null when none is given. */
  static Path caFile(String text, String path, Path configDir, Problems problems) {
    if (text == null) {
      return null;
    }
    return problems.attempt(
        path, () -> PemCertificates.requireCertificates(ConfigPaths.resolve(configDir, text)));
  }

  private SecretRef.OAuth2.GrantType grantType(String text, String path) {
    if (text == null) {
      problems.add(path, "is required (client_credentials or refresh_token)");
      return null;
    }
    for (SecretRef.OAuth2.GrantType grant : SecretRef.OAuth2.GrantType.values()) {
      if (grant.wireName().equals(text)) {
        return grant;
      }
    }
    problems.add(
        path, "\"" + text + "\" is not supported; use client_credentials or refresh_token");
    return null;
  }

  private SecretRef stored(RawConfig.Secret raw, String path) {
    return raw == null
        ? null
        : SecretRefParser.parseStored(raw, path, configDir, mountRoot, problems);
  }
}

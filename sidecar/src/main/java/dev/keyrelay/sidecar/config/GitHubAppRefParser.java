package dev.keyrelay.sidecar.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Validates a route's {@code secret.githubApp} block into a {@link SecretRef.GitHubApp}. */
final class GitHubAppRefParser {

  private static final URI DEFAULT_API = URI.create("https://api.github.com");

  /** A numeric App ID or a client ID (Iv1.0123abcd, Iv23li...). */
  private static final Pattern APP_ID = Pattern.compile("[0-9]+|Iv[0-9A-Za-z.]+");

  private static final Pattern REPOSITORY = Pattern.compile("[-._A-Za-z0-9]{1,100}");
  private static final Pattern PERMISSION = Pattern.compile("[a-z][a-z_]*");

  private final Path configDir;
  private final Path mountRoot;
  private final Problems problems;

  GitHubAppRefParser(Path configDir, Path mountRoot, Problems problems) {
    this.configDir = configDir;
    this.mountRoot = mountRoot;
    this.problems = problems;
  }

  /** Returns null after recording problems under {@code path}. */
  SecretRef parse(RawConfig.GitHubAppSecret raw, String path) {
    int before = problems.count();
    if (raw.appId() == null) {
      problems.add(path + ".appId", "is required");
    } else if (!APP_ID.matcher(raw.appId()).matches()) {
      problems.add(path + ".appId", "must be the App's numeric ID or its client ID (Iv...)");
    }
    if (raw.installationId() == null) {
      problems.add(path + ".installationId", "is required");
    } else if (raw.installationId() <= 0) {
      problems.add(path + ".installationId", "must be positive");
    }
    SecretRef privateKey = null;
    if (raw.privateKey() == null) {
      problems.add(path + ".privateKey", "is required");
    } else {
      privateKey =
          SecretRefParser.parseStored(
              raw.privateKey(), path + ".privateKey", configDir, mountRoot, problems);
    }
    URI apiUrl =
        raw.apiUrl() == null
            ? DEFAULT_API
            : problems.attempt(path + ".apiUrl", () -> HttpsUrls.parse(raw.apiUrl()));
    List<String> repositories = Objects.requireNonNullElse(raw.repositories(), List.of());
    for (int i = 0; i < repositories.size(); i++) {
      String name = repositories.get(i);
      if (name == null || !REPOSITORY.matcher(name).matches()) {
        problems.add(
            path + ".repositories[" + i + "]",
            "is not a repository name (without the owner; letters, digits, '-', '_', '.')");
      }
    }
    Map<String, String> permissions =
        new TreeMap<>(Objects.requireNonNullElse(raw.permissions(), Map.of()));
    permissions.forEach(
        (name, level) -> {
          if (!PERMISSION.matcher(name).matches()) {
            problems.add(path + ".permissions", "\"" + name + "\" is not a permission name");
          } else if (!"read".equals(level) && !"write".equals(level) && !"admin".equals(level)) {
            problems.add(path + ".permissions." + name, "must be read, write or admin");
          }
        });
    Path caFile = OAuth2RefParser.caFile(raw.caFile(), path + ".caFile", configDir, problems);
    return problems.count() == before
        ? new SecretRef.GitHubApp(
            raw.appId(),
            raw.installationId(),
            privateKey,
            apiUrl,
            List.copyOf(repositories),
            Map.copyOf(permissions),
            caFile)
        : null;
  }
}

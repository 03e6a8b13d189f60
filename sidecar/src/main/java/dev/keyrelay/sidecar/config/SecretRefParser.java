package dev.keyrelay.sidecar.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Validates a route's {@code secret} block into a {@link SecretRef}. */
final class SecretRefParser {

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  private static final List<String> STORED = List.of("env", "file", "kubernetes", "vault");
  private static final List<String> ROUTE =
      List.of("env", "file", "kubernetes", "vault", "oauth2", "githubApp", "aws", "awsWebIdentity");
  private static final List<String> LISTENER =
      List.of("env", "file", "kubernetes", "vault", "vaultDatabase");

  private SecretRefParser() {}

  /**
   * Returns null after recording problems under {@code path}. Every kind a route can inject is
   * allowed, the issued tokens ({@code oauth2}, {@code githubApp}) included.
   */
  static SecretRef parse(
      RawConfig.Secret raw, String path, Path configDir, Path mountRoot, Problems problems) {
    return parse(raw, path, configDir, mountRoot, problems, ROUTE);
  }

  /**
   * Like {@link #parse} for a listener's login: a stored password or Vault database credentials.
   */
  static SecretRef parseListener(
      RawConfig.Secret raw, String path, Path configDir, Path mountRoot, Problems problems) {
    return parse(raw, path, configDir, mountRoot, problems, LISTENER);
  }

  /**
   * Like {@link #parse} for a value that is stored rather than issued: a credential an issued token
   * is obtained with.
   */
  static SecretRef parseStored(
      RawConfig.Secret raw, String path, Path configDir, Path mountRoot, Problems problems) {
    return parse(raw, path, configDir, mountRoot, problems, STORED);
  }

  private static SecretRef parse(
      RawConfig.Secret raw,
      String path,
      Path configDir,
      Path mountRoot,
      Problems problems,
      List<String> allowedKinds) {
    String allowed = String.join(", ", allowedKinds);
    if (raw == null) {
      problems.add(path, "is required (one of " + allowed + ")");
      return null;
    }
    List<String> kinds = new ArrayList<>();
    if (raw.env() != null) {
      kinds.add("env");
    }
    if (raw.file() != null) {
      kinds.add("file");
    }
    if (raw.kubernetes() != null) {
      kinds.add("kubernetes");
    }
    if (raw.vault() != null) {
      kinds.add("vault");
    }
    if (raw.oauth2() != null) {
      kinds.add("oauth2");
    }
    if (raw.githubApp() != null) {
      kinds.add("githubApp");
    }
    if (raw.aws() != null) {
      kinds.add("aws");
    }
    if (raw.awsWebIdentity() != null) {
      kinds.add("awsWebIdentity");
    }
    if (raw.vaultDatabase() != null) {
      kinds.add("vaultDatabase");
    }
    if (kinds.size() != 1) {
      problems.add(
          path,
          kinds.isEmpty()
              ? "one of " + allowed + " is required"
              : "exactly one of " + allowed + " is allowed, found " + String.join(" and ", kinds));
      return null;
    }
    String kind = kinds.get(0);
    if (!allowedKinds.contains(kind)) {
      problems.add(path + "." + kind, "is not allowed here; use one of " + allowed);
      return null;
    }
    return switch (kind) {
      case "env" -> problems.attempt(path + ".env", () -> env(raw.env()));
      case "file" ->
          problems.attempt(
              path + ".file", () -> new SecretRef.File(ConfigPaths.resolve(configDir, raw.file())));
      case "vault" -> VaultRefParser.parse(raw.vault(), path + ".vault", problems);
      case "vaultDatabase" ->
          VaultRefParser.parseDatabase(raw.vaultDatabase(), path + ".vaultDatabase", problems);
      case "oauth2" ->
          new OAuth2RefParser(configDir, mountRoot, problems).parse(raw.oauth2(), path + ".oauth2");
      case "githubApp" ->
          new GitHubAppRefParser(configDir, mountRoot, problems)
              .parse(raw.githubApp(), path + ".githubApp");
      case "aws" -> new AwsRefParser(configDir, mountRoot, problems).keys(raw.aws(), path + ".aws");
      case "awsWebIdentity" ->
          new AwsRefParser(configDir, mountRoot, problems)
              .webIdentity(raw.awsWebIdentity(), path + ".awsWebIdentity");
      default -> kubernetes(raw.kubernetes(), path + ".kubernetes", mountRoot, problems);
    };
  }

  private static SecretRef env(String name) {
    if (!ENV_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "\"" + name + "\" is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
    }
    return new SecretRef.Env(name);
  }

  private static SecretRef kubernetes(
      RawConfig.KubernetesSecret raw, String path, Path mountRoot, Problems problems) {
    int before = problems.count();
    String name = raw.name();
    if (name == null) {
      problems.add(path + ".name", "is required");
    } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      problems.add(
          path + ".name", "\"" + name + "\" is not a Kubernetes Secret name (a DNS subdomain)");
    }
    String key = raw.key();
    if (key == null) {
      problems.add(path + ".key", "is required");
    } else if (key.length() > 253
        || !SECRET_KEY.matcher(key).matches()
        || key.equals(".")
        || key.equals("..")) {
      problems.add(path + ".key", "\"" + key + "\" is not a Secret key ([-._a-zA-Z0-9]+)");
    }
    return problems.count() == before ? new SecretRef.Kubernetes(name, key, mountRoot) : null;
  }
}

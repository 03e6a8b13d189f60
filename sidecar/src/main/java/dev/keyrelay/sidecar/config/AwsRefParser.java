package dev.keyrelay.sidecar.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Validates a route's {@code secret.aws} and {@code secret.awsWebIdentity} blocks into {@link
 * SecretRef.Aws} and {@link SecretRef.AwsWebIdentity}.
 */
final class AwsRefParser {

  /** STS's global endpoint; a regional one ({@code https://sts.REGION.amazonaws.com}) is closer. */
  private static final URI DEFAULT_STS = URI.create("https://sts.amazonaws.com");

  private static final String DEFAULT_SESSION_NAME = "keyrelay";

  /** IAM role ARNs in every partition: arn:aws:iam::123456789012:role/path/name. */
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}");

  /** STS's constraint on RoleSessionName. */
  private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

  private final Path configDir;
  private final Path mountRoot;
  private final Problems problems;

  AwsRefParser(Path configDir, Path mountRoot, Problems problems) {
    this.configDir = configDir;
    this.mountRoot = mountRoot;
    this.problems = problems;
  }

  /** Returns null after recording problems under {@code path}. */
  SecretRef keys(RawConfig.AwsSecret raw, String path) {
    int before = problems.count();
    SecretRef accessKeyId = stored(raw.accessKeyId(), path + ".accessKeyId", true);
    SecretRef secretAccessKey = stored(raw.secretAccessKey(), path + ".secretAccessKey", true);
    SecretRef sessionToken = stored(raw.sessionToken(), path + ".sessionToken", false);
    return problems.count() == before
        ? new SecretRef.Aws(accessKeyId, secretAccessKey, sessionToken)
        : null;
  }

  /** Returns null after recording problems under {@code path}. */
  SecretRef webIdentity(RawConfig.AwsWebIdentitySecret raw, String path) {
    int before = problems.count();
    if (raw.roleArn() == null) {
      problems.add(path + ".roleArn", "is required");
    } else if (!ROLE_ARN.matcher(raw.roleArn()).matches()) {
      problems.add(
          path + ".roleArn",
          "\"" + raw.roleArn() + "\" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
    }
    Path tokenFile = null;
    if (raw.tokenFile() == null) {
      problems.add(path + ".tokenFile", "is required");
    } else {
      tokenFile =
          problems.attempt(
              path + ".tokenFile", () -> ConfigPaths.resolve(configDir, raw.tokenFile()));
    }
    URI stsUrl =
        raw.stsUrl() == null
            ? DEFAULT_STS
            : problems.attempt(path + ".stsUrl", () -> HttpsUrls.parse(raw.stsUrl()));
    String sessionName = raw.sessionName() == null ? DEFAULT_SESSION_NAME : raw.sessionName();
    if (!SESSION_NAME.matcher(sessionName).matches()) {
      problems.add(
          path + ".sessionName", "must be 2 to 64 letters, digits or any of + = , . @ _ -");
    }
    Path caFile = OAuth2RefParser.caFile(raw.caFile(), path + ".caFile", configDir, problems);
    return problems.count() == before
        ? new SecretRef.AwsWebIdentity(raw.roleArn(), tokenFile, stsUrl, sessionName, caFile)
        : null;
  }

  private SecretRef stored(RawConfig.Secret raw, String path, boolean required) {
    if (raw == null) {
      if (required) {
        problems.add(path, "is required");
      }
      return null;
    }
    return SecretRefParser.parseStored(raw, path, configDir, mountRoot, problems);
  }
}

package dev.keyrelay.sidecar.config;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validates a {@code secret.vault} block into a {@link SecretRef.Vault}, and a listener's {@code
 * secret.vaultDatabase} into a {@link SecretRef.VaultDatabase}.
 */
final class VaultRefParser {

  private static final Pattern SEGMENT = Pattern.compile("[-._a-zA-Z0-9@]+");

  private VaultRefParser() {}

  /** Returns null after recording problems under {@code path}. */
  static SecretRef parse(RawConfig.VaultSecret raw, String path, Problems problems) {
    int before = problems.count();
    if (raw.path() == null) {
      problems.add(path + ".path", "is required");
    } else if (!isKvV2DataPath(raw.path())) {
      problems.add(
          path + ".path",
          "\""
              + raw.path()
              + "\" is not a KV v2 read path: MOUNT/data/NAME, e.g. secret/data/agents/internal");
    }
    if (raw.field() == null || raw.field().isEmpty()) {
      problems.add(path + ".field", "is required");
    }
    return problems.count() == before ? new SecretRef.Vault(raw.path(), raw.field()) : null;
  }

  /** Returns null after recording problems under {@code path}. */
  static SecretRef parseDatabase(
      RawConfig.VaultDatabaseSecret raw, String path, Problems problems) {
    int before = problems.count();
    String mount = raw.mount() == null ? "database" : raw.mount();
    List<String> segments = Arrays.asList(mount.split("/", -1));
    if (!segments.stream().allMatch(VaultRefParser::isSegment)) {
      problems.add(path + ".mount", "\"" + mount + "\" is not a Vault mount path, e.g. database");
    }
    if (raw.role() == null) {
      problems.add(path + ".role", "is required");
    } else if (!isSegment(raw.role())) {
      problems.add(path + ".role", "\"" + raw.role() + "\" is not a role name ([-._a-zA-Z0-9@]+)");
    }
    return problems.count() == before ? new SecretRef.VaultDatabase(mount, raw.role()) : null;
  }

  private static boolean isSegment(String s) {
    return SEGMENT.matcher(s).matches() && !s.equals(".") && !s.equals("..");
  }

  /** A mount of one or more segments, then {@code data}, then at least one name segment. */
  private static boolean isKvV2DataPath(String text) {
    List<String> segments = Arrays.asList(text.split("/", -1));
    int data = segments.indexOf("data");
    return data >= 1
        && data < segments.size() - 1
        && segments.stream().allMatch(VaultRefParser::isSegment);
  }
}

package dev.keyrelay.sidecar.config;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Validates a route's {@code secret.vault} block into a {@link SecretRef.Vault}. */
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

  /** A mount of one or more segments, then {@code data}, then at least one name segment. */
  private static boolean isKvV2DataPath(String text) {
    List<String> segments = Arrays.asList(text.split("/", -1));
    int data = segments.indexOf("data");
    return data >= 1
        && data < segments.size() - 1
        && segments.stream()
            .allMatch(s -> SEGMENT.matcher(s).matches() && !s.equals(".") && !s.equals(".."));
  }
}

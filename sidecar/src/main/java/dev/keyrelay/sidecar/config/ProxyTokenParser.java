package dev.keyrelay.sidecar.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Validates {@code proxy.tokens}: each a unique name and a stored secret. */
final class ProxyTokenParser {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private ProxyTokenParser() {}

  /** The valid tokens; every invalid one has been recorded as a problem. */
  static List<ProxyToken> parse(
      List<RawConfig.ProxyToken> raws,
      Path configDir,
      Path mountRoot,
      boolean vaultConfigured,
      Problems problems) {
    if (raws == null) {
      return List.of();
    }
    if (raws.isEmpty()) {
      // An empty list would read as "tokens required" but admit nobody; say what was meant.
      problems.add("proxy.tokens", "is empty; leave it out to let every local process in");
      return List.of();
    }
    List<ProxyToken> tokens = new ArrayList<>();
    Map<String, Integer> indexByName = new HashMap<>();
    for (int i = 0; i < raws.size(); i++) {
      String path = "proxy.tokens[" + i + "]";
      RawConfig.ProxyToken raw = raws.get(i);
      if (raw == null) {
        problems.add(path, "must be a mapping with name and secret, not null");
        continue;
      }
      String name = raw.name();
      if (name == null || !NAME.matcher(name).matches()) {
        problems.add(
            path + ".name",
            (name == null ? "is required" : "\"" + name + "\" is not")
                + " a lower-case DNS label (a-z, 0-9, '-', at most 63 characters)");
      } else {
        Integer first = indexByName.putIfAbsent(name, i);
        if (first != null) {
          problems.add(
              path + ".name",
              "\"" + name + "\" is already the name of proxy.tokens[" + first + "]");
        }
      }
      if (raw.secret() != null && raw.secret().usesVault() && !vaultConfigured) {
        problems.add(path + ".secret.vault", "needs the top-level vault block (address, auth)");
        continue;
      }
      SecretRef secret =
          SecretRefParser.parseStored(
              raw.secret(), path + ".secret", configDir, mountRoot, problems);
      if (name != null && secret != null) {
        tokens.add(new ProxyToken(name, secret));
      }
    }
    return tokens;
  }
}

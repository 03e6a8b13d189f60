package dev.keyrelay.operator.inject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code JAVA_TOOL_OPTIONS} value that points a JVM at the sidecar: the standard proxy
 * properties, {@code http.nonProxyHosts} translated from the container's NO_PROXY, and the
 * sidecar's PKCS12 trust store. The store loads without a password, so none is set.
 */
final class JavaToolOptions {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern NO_WHITESPACE = Pattern.compile("\\S+");

  private JavaToolOptions() {}

  static String value(int proxyPort, Collection<String> noProxy) {
    return String.join(
        " ",
        "-Dhttp.proxyHost=" + SidecarPaths.PROXY_HOST,
        "-Dhttp.proxyPort=" + proxyPort,
        "-Dhttps.proxyHost=" + SidecarPaths.PROXY_HOST,
        "-Dhttps.proxyPort=" + proxyPort,
        "-Dhttp.nonProxyHosts=" + nonProxyHosts(noProxy),
        "-Djavax.net.ssl.trustStore=" + SidecarPaths.TRUST_STORE,
        "-Djavax.net.ssl.trustStoreType=PKCS12");
  }

  /**
   * NO_PROXY entries in Java's {@code |}-separated pattern syntax. As curl and Go read NO_PROXY, a
   * name covers its subdomains and a leading dot means subdomains, so {@code example.com} becomes
   * {@code example.com|*.example.com} and {@code .svc} becomes {@code *.svc}. Ports are dropped
   * (Java matches hosts only), IPv6 addresses get brackets, and IPv4 CIDR ranges become octet
   * wildcards ({@code 10.0.0.0/8} is {@code 10.*}). IPv6 ranges have no Java form and are left out.
   */
  static String nonProxyHosts(Collection<String> noProxy) {
    Set<String> patterns = new LinkedHashSet<>();
    for (String raw : noProxy) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      // JAVA_TOOL_OPTIONS is split at whitespace, so such an entry could not be passed anyway
      if (NO_WHITESPACE.matcher(entry).matches()) {
        patterns.addAll(patterns(entry));
      }
    }
    return String.join("|", patterns);
  }

  private static List<String> patterns(String entry) {
    if (entry.equals("*")) {
      return List.of("*");
    }
    if (entry.contains("/")) {
      return ipv4Range(entry);
    }
    if (entry.startsWith("[")) {
      int end = entry.indexOf(']');
      return end < 0 ? List.of() : List.of(entry.substring(0, end + 1));
    }
    if (entry.indexOf(':') != entry.lastIndexOf(':')) {
      return List.of("[" + entry + "]");
    }
    String host = entry.contains(":") ? entry.substring(0, entry.indexOf(':')) : entry;
    if (host.startsWith("*.") || IPV4.matcher(host).matches()) {
      return List.of(host);
    }
    if (host.startsWith(".")) {
      return List.of("*" + host);
    }
    return List.of(host, "*." + host);
  }

  /** One wildcard per value of the last octet the prefix fixes: 172.16.0.0/12 is 16 patterns. */
  private static List<String> ipv4Range(String cidr) {
    String[] parts = cidr.split("/", 2);
    if (!IPV4.matcher(parts[0]).matches() || !parts[1].matches("\\d{1,2}")) {
      return List.of();
    }
    int bits = Integer.parseInt(parts[1]);
    String[] octets = parts[0].split("\\.");
    if (bits > 32 || List.of(octets).stream().anyMatch(o -> Integer.parseInt(o) > 255)) {
      return List.of();
    }
    if (bits == 0) {
      return List.of("*");
    }
    int fixed = (bits + 7) / 8;
    int span = 1 << (fixed * 8 - bits);
    int first = Integer.parseInt(octets[fixed - 1]) & ~(span - 1) & 0xff;
    String prefix = String.join(".", List.of(octets).subList(0, fixed - 1));
    List<String> out = new ArrayList<>();
    for (int value = first; value < first + span; value++) {
      String head = prefix.isEmpty() ? "" + value : prefix + "." + value;
      out.add(fixed == 4 ? head : head + ".*");
    }
    return out;
  }
}

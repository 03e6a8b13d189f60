package dev.keyrelay.contract;

/**
 * A canonical host (lower-case ASCII or IP literal, no trailing dot) and an optional port; a null
 * port matches every port of that host.
 */
public record HostMatch(String host, Integer port) implements EgressEntry {

  @Override
  public boolean matchesName(String canonicalHost, int requestPort) {
    return matches(canonicalHost, requestPort);
  }

  public boolean matches(String canonicalHost, int requestPort) {
    return host.equals(canonicalHost) && (port == null || port == requestPort);
  }

  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return port == null ? h : h + ":" + port;
  }
}

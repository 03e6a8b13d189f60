package dev.keyrelay.contract;

/**
 * {@code *.example.com[:port]}: every name under {@code example.com}, at any depth, but not {@code
 * example.com} itself (list it too when it is meant); a null port matches every port.
 *
 * @param domain canonical, without the leading {@code *.}
 */
public record DomainMatch(String domain, Integer port) implements EgressEntry {

  @Override
  public boolean matchesName(String canonicalHost, int requestPort) {
    return canonicalHost.endsWith("." + domain) && (port == null || port == requestPort);
  }

  @Override
  public String toString() {
    return "*." + domain + (port == null ? "" : ":" + port);
  }
}

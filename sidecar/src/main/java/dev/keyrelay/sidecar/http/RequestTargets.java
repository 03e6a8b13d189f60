package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.HostNames;
import java.net.URI;
import java.net.URISyntaxException;

/** Parsing of request targets and authorities (RFC 9112 section 3.2). */
final class RequestTargets {

  private RequestTargets() {}

  /** A canonical host and a port. */
  record Authority(String host, int port) {}

  /** Parses {@code host[:port]} or {@code [v6][:port]}; the host comes back canonical. */
  static Authority parseAuthority(String authority, int defaultPort) {
    String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
    String host = hostPort;
    String port = null;
    if (hostPort.startsWith("[")) {
      int end = hostPort.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("unterminated IPv6 literal");
      }
      host = hostPort.substring(1, end);
      String rest = hostPort.substring(end + 1);
      if (rest.startsWith(":")) {
        port = rest.substring(1);
      } else if (!rest.isEmpty()) {
        throw new IllegalArgumentException("malformed authority");
      }
    } else {
      int colon = hostPort.indexOf(':');
      if (colon >= 0) {
        host = hostPort.substring(0, colon);
        port = hostPort.substring(colon + 1);
      }
    }
    return new Authority(HostNames.canonical(host), port == null ? defaultPort : parsePort(port));
  }

  /** An absolute-form URI split into its authority and origin-form path. */
  record Absolute(String scheme, Authority authority, String originForm) {}

  static Absolute parseAbsolute(String uri) {
    try {
      URI parsed = new URI(uri);
      String scheme = parsed.getScheme();
      if (scheme == null || parsed.getRawAuthority() == null) {
        throw new IllegalArgumentException("request target is not in absolute form");
      }
      int defaultPort = "https".equalsIgnoreCase(scheme) ? 443 : 80;
      Authority authority = parseAuthority(parsed.getRawAuthority(), defaultPort);
      return new Absolute(scheme.toLowerCase(java.util.Locale.ROOT), authority, originForm(parsed));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed request target");
    }
  }

  /** The Host header value for a destination: the port is left out when it is the default. */
  static String authority(String host, int port, int defaultPort) {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return port == defaultPort ? h : h + ":" + port;
  }

  private static String originForm(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  private static int parsePort(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid port");
    }
  }
}

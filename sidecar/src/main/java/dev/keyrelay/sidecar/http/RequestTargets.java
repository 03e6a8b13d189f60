package dev.keyrelay.sidecar.http;

import dev.keyrelay.contract.HostNames;
import io.netty.util.NetUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** Parsing of request targets and authorities (RFC 9112 section 3.2). */
final class RequestTargets {

  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*"
              + "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.?");
  private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  // WHATWG's "ends in a number": such a name is parsed as an IPv4 address by browsers and libc.
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9A-Fa-f]*");
  private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");
  // 253 characters of name (RFC 1035) and the trailing dot of a fully qualified one.
  private static final int MAX_HOST_LENGTH = 254;

  private RequestTargets() {}

  /** A canonical host and a port. */
  record Authority(String host, int port) {}

  /**
   * Parses {@code host[:port]} or {@code [v6][:port]}; the host comes back canonical. Only a plain
   * DNS name, a dotted quad of decimal octets or a bracketed IPv6 literal is a host here: the
   * numeric forms resolvers read in other ways ({@code 0177.0.0.1} is octal to glibc and curl,
   * {@code 127.1}, {@code 0x7f.1}, {@code 2130706433}) would let the address checked differ from
   * the address reached.
   *
   * @throws IllegalArgumentException naming what is wrong, without quoting the input
   */
  static Authority parseAuthority(String authority, int defaultPort) {
    if (authority.indexOf('@') >= 0) {
      throw new IllegalArgumentException("user information is not allowed in a request target");
    }
    String host = authority;
    String port = null;
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("unterminated IPv6 literal");
      }
      host = authority.substring(1, end);
      if (!NetUtil.isValidIpV6Address(host) || host.indexOf('%') >= 0 || !plainIpv4Tail(host)) {
        throw new IllegalArgumentException("invalid IPv6 literal");
      }
      String rest = authority.substring(end + 1);
      if (rest.startsWith(":")) {
        port = rest.substring(1);
      } else if (!rest.isEmpty()) {
        throw new IllegalArgumentException("malformed authority");
      }
    } else {
      int colon = authority.indexOf(':');
      if (colon >= 0) {
        host = authority.substring(0, colon);
        port = authority.substring(colon + 1);
      }
      requirePlainHost(host);
    }
    return new Authority(HostNames.canonical(host), port == null ? defaultPort : parsePort(port));
  }

  private static void requirePlainHost(String host) {
    // Before the pattern: it recurses once per label, and a 16 KB CONNECT line of short labels
    // overflowed the event loop's stack.
    if (host.length() > MAX_HOST_LENGTH) {
      throw new IllegalArgumentException("host name longer than 253 characters");
    }
    if (!DNS_NAME.matcher(host).matches()) {
      throw new IllegalArgumentException("host is not a plain DNS name or IPv4 address");
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String last = name.substring(name.lastIndexOf('.') + 1);
    if (NUMERIC_LABEL.matcher(last).matches() && !isDottedQuad(name)) {
      throw new IllegalArgumentException(
          "numeric host is not a dotted quad of decimal octets without leading zeros");
    }
  }

  /**
   * An IPv6 literal may end in an IPv4 address only in the two forms RFC 4291 defines, {@code
   * ::ffff:a.b.c.d} and the deprecated {@code ::a.b.c.d}, and only as a dotted quad: parsers
   * disagree on the rest ({@code ::ff:1.2.3.4}, {@code ::ffff:01.2.3.4}).
   */
  private static boolean plainIpv4Tail(String literal) {
    if (literal.indexOf('.') < 0) {
      return true;
    }
    int colon = literal.lastIndexOf(':');
    String prefix = literal.substring(0, colon + 1);
    return (prefix.equals("::") || prefix.equalsIgnoreCase("::ffff:"))
        && isDottedQuad(literal.substring(colon + 1));
  }

  private static boolean isDottedQuad(String name) {
    String[] octets = name.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String octet : octets) {
      if (!OCTET.matcher(octet).matches() || Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
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

  /** Decimal digits only: no sign, no leading zero, no empty port. */
  private static int parsePort(String text) {
    if (!PORT.matcher(text).matches()) {
      throw new IllegalArgumentException("invalid port");
    }
    int port = Integer.parseInt(text);
    if (port > 65535) {
      throw new IllegalArgumentException("port out of range");
    }
    return port;
  }
}

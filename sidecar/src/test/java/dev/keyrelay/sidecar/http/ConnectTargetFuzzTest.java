package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Fuzzes {@link RequestTargets#parseAuthority}, the parser of CONNECT targets and Host headers,
 * against a reference built on {@link URI}'s server-based authority syntax plus keyrelay's own
 * rules. Both must accept and refuse the same inputs and agree on the host and port accepted; the
 * parser may throw nothing but {@link IllegalArgumentException}.
 */
class ConnectTargetFuzzTest {

  private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");
  private static final Pattern DIGITS_OR_HEX = Pattern.compile("[0-9]+|0[xX][0-9A-Fa-f]*");
  private static final Pattern DECIMAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");

  @FuzzTest(maxDuration = "10s")
  void agreesWithTheReference(byte[] input) {
    String authority = new String(input, StandardCharsets.UTF_8);
    RequestTargets.Authority parsed;
    try {
      parsed = RequestTargets.parseAuthority(authority, 443);
    } catch (IllegalArgumentException refused) {
      parsed = null;
    }
    assertThat(parsed).as("parse of <%s>", authority).isEqualTo(reference(authority));
  }

  /**
   * What is a plain host and port, written independently of the parser: {@link URI} decides the
   * syntax (a server-based authority: a host name, an IPv4 address or a bracketed IPv6 literal),
   * then keyrelay's rules narrow it down.
   */
  static RequestTargets.Authority reference(String authority) {
    // Our rules: no user information, no zone in an IPv6 literal, only ASCII, nothing that would
    // make the URI below read a path, query or fragment.
    if (authority.isEmpty() || !authority.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
      return null;
    }
    if (authority.contains("@")
        || authority.contains("%")
        || authority.contains("/")
        || authority.contains("?")
        || authority.contains("#")) {
      return null;
    }
    int portColon =
        authority.startsWith("[")
            ? authority.indexOf(':', authority.indexOf(']'))
            : authority.indexOf(':');
    String host = portColon < 0 ? authority : authority.substring(0, portColon);
    int port = 443;
    if (portColon >= 0) {
      // Our rules: decimal digits only, no sign, no leading zero, 1 to 65535.
      String text = authority.substring(portColon + 1);
      if (!PORT.matcher(text).matches() || Integer.parseInt(text) > 65535) {
        return null;
      }
      port = Integer.parseInt(text);
    }
    if (host.startsWith("[")) {
      URI uri = uri(host);
      if (uri == null || uri.getHost() == null || !uri.getRawAuthority().equals(host)) {
        return null;
      }
      String literal = host.substring(1, host.length() - 1);
      // Our rules: an IPv4 tail only after "::" or "::ffff:" (RFC 4291's two forms), and as a
      // dotted quad of decimal octets, as in a plain name. URI takes any IPv6 form with any
      // digits there ("::ff:1.2.3.4", "::0177.0.0.1").
      int lastColon = literal.lastIndexOf(':');
      if (literal.contains(".")
          && (!isDottedQuad(literal.substring(lastColon + 1).split("\\.", -1))
              || !List.of("::", "::ffff:")
                  .contains(literal.substring(0, lastColon + 1).toLowerCase(Locale.ROOT)))) {
        return null;
      }
      return new RequestTargets.Authority(literal.toLowerCase(Locale.ROOT), port);
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    // URI (RFC 2396) wants the top label to start with a letter, DNS (RFC 1123) does not: check the
    // syntax with a letter label appended.
    URI uri = uri(name + ".x");
    if (uri == null || uri.getHost() == null || !uri.getHost().equals(name + ".x")) {
      return null;
    }
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty() || label.length() > 63) {
        return null;
      }
    }
    // Our rules: a name that ends in a number is an IPv4 address to browsers and resolvers, and
    // only the dotted quad of decimal octets reads the same everywhere.
    if (DIGITS_OR_HEX.matcher(labels[labels.length - 1]).matches() && !isDottedQuad(labels)) {
      return null;
    }
    if (name.length() > 253) {
      return null;
    }
    return new RequestTargets.Authority(name.toLowerCase(Locale.ROOT), port);
  }

  private static boolean isDottedQuad(String[] labels) {
    if (labels.length != 4) {
      return false;
    }
    for (String label : labels) {
      if (!DECIMAL_OCTET.matcher(label).matches() || Integer.parseInt(label) > 255) {
        return false;
      }
    }
    return true;
  }

  private static URI uri(String host) {
    try {
      return new URI("https://" + host + "/");
    } catch (URISyntaxException | NumberFormatException e) {
      // The JDK's parser throws NumberFormatException for an IPv4 tail in brackets whose digits
      // overflow an int ("[::1222222222222222222222206.0]"), instead of URISyntaxException.
      return null;
    }
  }
}

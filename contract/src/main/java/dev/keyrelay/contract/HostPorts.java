package dev.keyrelay.contract;

import io.netty.util.NetUtil;

/** Parses {@code host[:port]}, {@code [ipv6][:port]} and bare IPv6 literals, and port numbers. */
public final class HostPorts {

  private HostPorts() {}

  /**
   * The canonical host and the port, null when there is none.
   *
   * @param minPort the lowest port accepted: 0 for a listen address (any free port), else 1
   * @throws IllegalArgumentException naming the text when it is not one of the forms above
   */
  public static HostMatch parse(String text, int minPort) {
    String t = text.trim();
    String host;
    String port = null;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("\"" + text + "\" has an unclosed '['");
      }
      host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("\"" + text + "\" has text after ']' that is no port");
        }
        port = rest.substring(1);
      }
    } else if (t.indexOf(':') != t.lastIndexOf(':')) {
      host = t; // a bare IPv6 literal cannot carry a port
    } else if (t.indexOf(':') >= 0) {
      host = t.substring(0, t.indexOf(':'));
      port = t.substring(t.indexOf(':') + 1);
    } else {
      host = t;
    }
    String canonical = HostNames.canonical(host);
    if (canonical.indexOf(':') >= 0 && !NetUtil.isValidIpV6Address(canonical)) {
      throw new IllegalArgumentException("\"" + host + "\" is not a valid IPv6 address");
    }
    return new HostMatch(canonical, port == null ? null : port(port, minPort));
  }

  /** A port number in {@code minPort..65535}. */
  public static int port(String text, int minPort) {
    int p;
    try {
      p = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port \"" + text + "\" is not a number");
    }
    return port(p, minPort);
  }

  /** {@code p} when it is in {@code minPort..65535}. */
  public static int port(int p, int minPort) {
    if (p < minPort || p > 65535) {
      throw new IllegalArgumentException("port " + p + " is out of range " + minPort + "..65535");
    }
    return p;
  }
}

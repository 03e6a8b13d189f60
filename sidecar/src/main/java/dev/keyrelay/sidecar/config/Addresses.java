package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.HostNames;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses listen addresses ({@code host:port}) and egress entries ({@code host[:port]}). */
final class Addresses {

  private Addresses() {}

  /**
   * A listen address; the port may be 0 (any free port).
   *
   * @throws IllegalArgumentException when it is not {@code host:port} or {@code [ipv6]:port}
   */
  static HostPort listen(String text) {
    HostMatch parsed = hostAndPort(text, 0);
    if (parsed.port() == null) {
      throw new IllegalArgumentException(
          "\"" + text + "\" has no port; use host:port such as 127.0.0.1:6790 or [::1]:6790");
    }
    return new HostPort(parsed.host(), parsed.port());
  }

  /**
   * An egress entry: {@code localhost:8443}, {@code 10.0.0.5}, {@code [::1]:443}, a bare IPv6
   * literal, {@code *.example.com[:port]} or a CIDR range such as {@code 10.0.0.0/8}.
   */
  static EgressEntry entry(String text) {
    String t = text.trim();
    if (t.indexOf('/') >= 0) {
      return AddressRange.parse(t);
    }
    if (t.startsWith("*.")) {
      HostMatch domain = hostAndPort(t.substring(2), 1);
      if (domain.host().indexOf(':') >= 0
          || domain.host().indexOf('*') >= 0
          || NetUtil.isValidIpV4Address(domain.host())) {
        throw new IllegalArgumentException("\"" + text + "\" must be *. followed by a DNS name");
      }
      return new DomainMatch(domain.host(), domain.port());
    }
    if (t.indexOf('*') >= 0) {
      throw new IllegalArgumentException(
          "\"" + text + "\": '*' is only allowed as a leading \"*.\" label");
    }
    return hostAndPort(t, 1);
  }

  /** Whether binding this address keeps the listener on the loopback interface. */
  static boolean isLoopback(HostPort address) {
    if (address.host().equals("localhost")) {
      return true;
    }
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(address.host());
    if (ip == null) {
      return false;
    }
    try {
      return InetAddress.getByAddress(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static HostMatch hostAndPort(String text, int minPort) {
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
  static int port(String text, int minPort) {
    int p;
    try {
      p = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port \"" + text + "\" is not a number");
    }
    return port(p, minPort);
  }

  static int port(int p, int minPort) {
    if (p < minPort || p > 65535) {
      throw new IllegalArgumentException("port " + p + " is out of range " + minPort + "..65535");
    }
    return p;
  }
}

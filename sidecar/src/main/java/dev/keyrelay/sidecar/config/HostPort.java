package dev.keyrelay.sidecar.config;

/** A listen address such as {@code 127.0.0.1:6790} or {@code [::1]:6790}; host is an IP or name. */
public record HostPort(String host, int port) {

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}

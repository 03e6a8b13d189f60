package dev.keyrelay.sidecar.config;

import java.util.OptionalInt;

/**
 * Settings from the command line that replace the config file's. They are applied on every load, so
 * a reloaded file keeps them.
 *
 * @param proxyPort replaces the port of {@code proxy.listen}, keeping its host
 */
public record ConfigOverrides(OptionalInt proxyPort) {

  public static final ConfigOverrides NONE = new ConfigOverrides(OptionalInt.empty());

  SidecarConfig applyTo(SidecarConfig config) {
    if (proxyPort.isEmpty()) {
      return config;
    }
    ProxySettings proxy = config.proxy();
    HostPort listen = new HostPort(proxy.listen().host(), proxyPort.getAsInt());
    return config.withProxy(proxy.withListen(listen));
  }
}

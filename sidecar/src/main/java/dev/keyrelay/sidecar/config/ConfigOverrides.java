package dev.keyrelay.sidecar.config;

import java.util.OptionalInt;

/**
 * Settings from the command line that replace the config file's. They are applied on every load, so
 * a reloaded file keeps them.
 *
 * @param proxyPort replaces the port of {@code proxy.listen}, keeping its host
 * @param transparent serves the transparent listeners (enforced egress) at their default addresses
 *     when the file has no {@code transparent} block
 */
public record ConfigOverrides(OptionalInt proxyPort, boolean transparent) {

  public static final ConfigOverrides NONE = new ConfigOverrides(OptionalInt.empty());

  public ConfigOverrides(OptionalInt proxyPort) {
    this(proxyPort, false);
  }

  SidecarConfig applyTo(SidecarConfig config) {
    SidecarConfig out = config;
    if (proxyPort.isPresent()) {
      ProxySettings proxy = config.proxy();
      HostPort listen = new HostPort(proxy.listen().host(), proxyPort.getAsInt());
      out = out.withProxy(proxy.withListen(listen));
    }
    if (transparent && out.transparent() == null) {
      out = out.withTransparent(TransparentParser.DEFAULTS);
    }
    return out;
  }
}

package dev.keyrelay.sidecar.config;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Settings from the command line that replace the config file's. They are applied on every load, so
 * a reloaded file keeps them.
 *
 * @param proxyPort replaces the port of {@code proxy.listen}, keeping its host
 * @param transparent serves the transparent listeners (enforced egress) at their default addresses
 *     when the file has no {@code transparent} block
 * @param adminListen replaces {@code admin.listen}; null keeps the file's. The injector gives it
 *     and {@code caKeyFile} so that a sidecar started before its routes ConfigMap exists (see
 *     {@link ConfigLoader#loadOrDefaults}) is reached by the kubelet's probes and keeps its CA
 *     across restarts all the same.
 * @param caDir replaces {@code ca.dir}; null keeps the file's
 * @param caKeyFile replaces {@code ca.keyFile}; null keeps the file's
 */
public record ConfigOverrides(
    OptionalInt proxyPort, boolean transparent, HostPort adminListen, Path caDir, Path caKeyFile) {

  public static final ConfigOverrides NONE = new ConfigOverrides(OptionalInt.empty());

  public ConfigOverrides(OptionalInt proxyPort) {
    this(proxyPort, false);
  }

  public ConfigOverrides(OptionalInt proxyPort, boolean transparent) {
    this(proxyPort, transparent, null, null, null);
  }

  /**
   * Parses an admin listen address as the config file's {@code admin.listen}.
   *
   * @throws IllegalArgumentException when it is not {@code host:port} or {@code [ipv6]:port}
   */
  public static HostPort listenAddress(String text) {
    return Addresses.listen(text);
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
    if (adminListen != null) {
      out = out.withAdmin(new AdminSettings(adminListen));
    }
    if (caDir != null || caKeyFile != null) {
      CaSettings ca = out.ca();
      out =
          out.withCa(
              new CaSettings(
                  caDir == null ? ca.dir() : caDir.toAbsolutePath(),
                  caKeyFile == null ? ca.keyFile() : caKeyFile.toAbsolutePath()));
    }
    return out;
  }
}

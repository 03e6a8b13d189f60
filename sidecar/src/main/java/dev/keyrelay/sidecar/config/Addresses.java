package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.HostMatch;
import dev.keyrelay.contract.HostPorts;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses listen addresses ({@code host:port}) and tells loopback ones apart. */
final class Addresses {

  private Addresses() {}

  /**
   * A listen address; the port may be 0 (any free port).
   *
   * @throws IllegalArgumentException when it is not {@code host:port} or {@code [ipv6]:port}
   */
  static HostPort listen(String text) {
    HostMatch parsed = HostPorts.parse(text, 0);
    if (parsed.port() == null) {
      throw new IllegalArgumentException(
          "\"" + text + "\" has no port; use host:port such as 127.0.0.1:6790 or [::1]:6790");
    }
    return new HostPort(parsed.host(), parsed.port());
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
}

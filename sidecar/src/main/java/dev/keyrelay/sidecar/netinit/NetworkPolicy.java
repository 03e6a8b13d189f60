package dev.keyrelay.sidecar.netinit;

import dev.keyrelay.contract.PodLayout;
import java.util.List;
import java.util.Set;

/**
 * What {@code init-network} enforces in the pod's network namespace.
 *
 * @param proxyUid the sidecar's user: its traffic is neither redirected nor refused
 * @param httpsPort the sidecar's transparent HTTPS listener, where outbound TCP 443 goes
 * @param httpPort the sidecar's transparent HTTP listener, where outbound TCP 80 goes
 * @param allowCidrs ranges every user may reach directly on any port (cluster services, pods)
 * @param allowPorts TCP ports every user may reach directly on any address
 */
public record NetworkPolicy(
    int proxyUid, int httpsPort, int httpPort, List<Cidr> allowCidrs, List<Integer> allowPorts) {

  public static final int DEFAULT_HTTPS_PORT = PodLayout.TRANSPARENT_HTTPS_PORT;
  public static final int DEFAULT_HTTP_PORT = PodLayout.TRANSPARENT_HTTP_PORT;

  /** The ports that are redirected to the sidecar; allowing them as well would mean nothing. */
  static final Set<Integer> REDIRECTED = Set.of(443, 80);

  public NetworkPolicy {
    allowCidrs = List.copyOf(allowCidrs);
    allowPorts = List.copyOf(allowPorts);
    if (proxyUid == 0) {
      // Root's traffic would then pass unchecked, and an agent running as root is common.
      throw new IllegalArgumentException("--proxy-uid must not be 0: the agent could run as root");
    }
    if (httpsPort == httpPort) {
      throw new IllegalArgumentException("--https-port and --http-port must differ");
    }
    for (int port : allowPorts) {
      if (REDIRECTED.contains(port)) {
        throw new IllegalArgumentException(
            "--allow-port "
                + port
                + ": that port is redirected to the sidecar, not allowed past it");
      }
    }
  }
}

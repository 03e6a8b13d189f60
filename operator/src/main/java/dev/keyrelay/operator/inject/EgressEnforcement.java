package dev.keyrelay.operator.inject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Cluster-wide settings of enforced egress, where an init container makes the pod's network
 * namespace send the agent's HTTPS and HTTP to the sidecar and refuse the rest.
 *
 * @param enabled whether opted-in pods get it unless they say otherwise with {@code
 *     keyrelay.dev/enforce-egress}
 * @param allowCidrs ranges every container may reach directly on any port (the cluster's service
 *     and pod ranges)
 * @param allowPorts TCP ports every container may reach directly on any address
 * @param initImage the image of the init container that installs the rules: the sidecar jar on a
 *     runtime with iptables (Dockerfile.init), since the sidecar image has none
 */
public record EgressEnforcement(
    boolean enabled, List<String> allowCidrs, List<Integer> allowPorts, String initImage) {

  public static final String DEFAULT_INIT_IMAGE = "ghcr.io/keyrelay/keyrelay-init:0.1.0";

  public static final EgressEnforcement OFF =
      new EgressEnforcement(false, List.of(), List.of(), DEFAULT_INIT_IMAGE);

  // The form only: init-network parses the addresses and fails the pod's start on a bad one.
  private static final Pattern CIDR = Pattern.compile("[0-9A-Fa-f:.]+(/[0-9]{1,3})?");
  private static final List<Integer> REDIRECTED = List.of(80, 443);

  public EgressEnforcement {
    allowCidrs = List.copyOf(allowCidrs);
    allowPorts = List.copyOf(allowPorts);
  }

  /**
   * Reads {@code KEYRELAY_ENFORCE_EGRESS} (true or false, default false), {@code
   * KEYRELAY_EGRESS_ALLOW_CIDRS} and {@code KEYRELAY_EGRESS_ALLOW_PORTS} (comma-separated) and
   * {@code KEYRELAY_NETWORK_INIT_IMAGE}.
   */
  static EgressEnforcement fromEnvironment(Map<String, String> env) {
    String enabled = env.getOrDefault("KEYRELAY_ENFORCE_EGRESS", "false");
    List<String> cidrs = new ArrayList<>();
    for (String cidr : list(env.get("KEYRELAY_EGRESS_ALLOW_CIDRS"))) {
      if (!CIDR.matcher(cidr).matches()) {
        throw new InjectionRefusedException(
            "KEYRELAY_EGRESS_ALLOW_CIDRS: \""
                + cidr
                + "\" is not valid; expected an address range"
                + " such as 10.96.0.0/12");
      }
      cidrs.add(cidr);
    }
    List<Integer> ports = new ArrayList<>();
    for (String port : list(env.get("KEYRELAY_EGRESS_ALLOW_PORTS"))) {
      ports.add(port(port));
    }
    String image = env.get("KEYRELAY_NETWORK_INIT_IMAGE");
    return new EgressEnforcement(
        PodOptions.bool("KEYRELAY_ENFORCE_EGRESS", enabled),
        cidrs,
        ports,
        image == null || image.isBlank() ? DEFAULT_INIT_IMAGE : image);
  }

  private static int port(String value) {
    int port;
    try {
      port = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535 || REDIRECTED.contains(port)) {
      throw new InjectionRefusedException(
          "KEYRELAY_EGRESS_ALLOW_PORTS: \""
              + value
              + "\" is not valid; expected a port from 1 to"
              + " 65535 other than 80 and 443, which go to the sidecar");
    }
    return port;
  }

  private static List<String> list(String value) {
    return value == null
        ? List.of()
        : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}

package dev.keyrelay.operator.route;

import dev.keyrelay.contract.HostNames;
import dev.keyrelay.operator.api.v1alpha1.HttpRouteSpec;
import java.util.regex.Pattern;

/** Host names as the sidecar compares them: lower-case, no trailing dot, no IPv6 brackets. */
final class RouteHosts {

  private static final Pattern HOST = Pattern.compile(HttpRouteSpec.HOST_PATTERN);

  private RouteHosts() {}

  static boolean isValid(String host) {
    return host.length() <= 253 && HOST.matcher(host).matches();
  }

  static String canonical(String host) {
    return HostNames.canonical(host);
  }
}

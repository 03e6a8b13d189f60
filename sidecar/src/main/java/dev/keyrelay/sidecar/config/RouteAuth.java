package dev.keyrelay.sidecar.config;

/** How a route presents its credential upstream. */
public sealed interface RouteAuth {

  /** The header the credential goes in; the proxy strips any client copy of it. */
  String headerName();

  /** {@code headerName: value} or {@code headerName: scheme value}. */
  record Header(String headerName, String scheme) implements RouteAuth {}

  /**
   * AWS Signature Version 4: the request is signed with the route's AWS credentials for {@code
   * service} in {@code region}, the agent's own signature removed.
   */
  record AwsSigV4(String service, String region) implements RouteAuth {
    @Override
    public String headerName() {
      return "Authorization";
    }
  }

  /** {@code Authorization: Basic base64(username:secret)}. */
  record Basic(String username) implements RouteAuth {
    @Override
    public String headerName() {
      return "Authorization";
    }
  }
}

package dev.keyrelay.operator.route;

import dev.keyrelay.contract.HttpTokens;
import dev.keyrelay.contract.ReservedHeaders;
import dev.keyrelay.operator.api.v1alpha1.AuthType;
import dev.keyrelay.operator.api.v1alpha1.HttpAuthSpec;
import dev.keyrelay.operator.api.v1alpha1.HttpRouteSpec;
import java.util.Locale;

/** The rules for {@code spec.http}: host, port, auth, upstream trust, request rules and limits. */
final class HttpRouteValidator {

  private HttpRouteValidator() {}

  static void validate(HttpRouteSpec http, Violations v) {
    if (v.required(http.getHost(), "spec.http.host")) {
      v.check(
          RouteHosts.isValid(http.getHost()),
          "spec.http.host",
          "'" + http.getHost() + "' is not a host name or IP address");
    }
    v.portRange(http.getPort(), 1, "spec.http.port");
    if (v.required(http.getAuth(), "spec.http.auth")) {
      auth(http.getAuth(), v);
    }
    RouteSpecValidator.keySource(http.getUpstreamCa(), "spec.http.upstreamCa", v);
    HttpPolicyValidator.validate(http.getRules(), http.getLimits(), v);
  }

  private static void auth(HttpAuthSpec auth, Violations v) {
    if (!v.required(auth.getType(), "spec.http.auth.type")) {
      return;
    }
    if (auth.getType() == AuthType.AWS_SIG_V4) {
      v.matches(
          auth.getService(),
          HttpAuthSpec.AWS_NAME_PATTERN,
          "spec.http.auth.service",
          "an AWS signing name (e.g. bedrock)");
      v.matches(
          auth.getRegion(),
          HttpAuthSpec.AWS_NAME_PATTERN,
          "spec.http.auth.region",
          "an AWS region (e.g. us-east-1)");
      String notAllowed = "is not allowed when type is awsSigV4";
      v.check(auth.getHeaderName() == null, "spec.http.auth.headerName", notAllowed);
      v.check(auth.getScheme() == null, "spec.http.auth.scheme", notAllowed);
      v.check(auth.getUsername() == null, "spec.http.auth.username", notAllowed);
      return;
    }
    v.check(auth.getService() == null, "spec.http.auth.service", "is only for type awsSigV4");
    v.check(auth.getRegion() == null, "spec.http.auth.region", "is only for type awsSigV4");
    if (auth.getType() == AuthType.BASIC) {
      v.check(
          auth.getHeaderName() == null,
          "spec.http.auth.headerName",
          "is not allowed when type is basic (Basic always uses Authorization)");
      v.check(
          auth.getScheme() == null, "spec.http.auth.scheme", "is not allowed when type is basic");
      if (v.required(auth.getUsername(), "spec.http.auth.username")) {
        v.check(
            !auth.getUsername().isEmpty() && auth.getUsername().indexOf(':') < 0,
            "spec.http.auth.username",
            "must be non-empty and must not contain ':'");
        v.maxLength(auth.getUsername(), 256, "spec.http.auth.username");
      }
      return;
    }
    v.check(
        auth.getUsername() == null,
        "spec.http.auth.username",
        "is only allowed when type is basic");
    String header = auth.getHeaderName();
    v.matches(header, HttpTokens.PATTERN, "spec.http.auth.headerName", "a header name");
    if (auth.getScheme() != null) {
      v.matches(auth.getScheme(), HttpTokens.PATTERN, "spec.http.auth.scheme", "an auth scheme");
    }
    if (header == null) {
      return;
    }
    String lower = header.toLowerCase(Locale.ROOT);
    v.check(
        !ReservedHeaders.NAMES.contains(lower),
        "spec.http.auth.headerName",
        "'" + header + "' is reserved and cannot carry a credential");
    v.check(
        !lower.equals("authorization") || auth.getScheme() != null,
        "spec.http.auth.scheme",
        "is required when headerName is Authorization (e.g. Bearer)");
  }
}

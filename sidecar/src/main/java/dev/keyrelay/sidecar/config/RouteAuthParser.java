package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.HttpTokens;
import dev.keyrelay.contract.ReservedHeaders;
import java.util.regex.Pattern;

/** Validates a route's {@code auth} block into a {@link RouteAuth}. */
final class RouteAuthParser {

  /** AWS signing names (bedrock, execute-api) and region codes (us-east-1, eu-central-2). */
  private static final Pattern AWS_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private RouteAuthParser() {}

  /** Returns null after recording problems under {@code path}. */
  static RouteAuth parse(RawConfig.Auth raw, String path, Problems problems) {
    if (raw == null) {
      problems.add(path, "is required");
      return null;
    }
    if (raw.type() == null) {
      problems.add(path + ".type", "is required (header, basic or awsSigV4)");
      return null;
    }
    int before = problems.count();
    RouteAuth auth =
        switch (raw.type()) {
          case "header" -> header(raw, path, problems);
          case "basic" -> basic(raw, path, problems);
          case "awsSigV4" -> awsSigV4(raw, path, problems);
          default -> {
            problems.add(
                path + ".type",
                "\"" + raw.type() + "\" is not an auth type; use header, basic or awsSigV4");
            yield null;
          }
        };
    return problems.count() == before ? auth : null;
  }

  private static RouteAuth header(RawConfig.Auth raw, String path, Problems problems) {
    if (raw.username() != null) {
      problems.add(path + ".username", "is only for type basic");
    }
    onlyForAws(raw, path, problems);
    String name = raw.headerName();
    if (name == null) {
      problems.add(path + ".headerName", "is required for type header");
    } else if (!HttpTokens.isToken(name)) {
      problems.add(path + ".headerName", "\"" + name + "\" is not a valid HTTP header name");
    } else if (ReservedHeaders.isReserved(name)) {
      problems.add(
          path + ".headerName", "\"" + name + "\" is reserved and cannot carry a credential");
    } else if (name.equalsIgnoreCase("authorization") && raw.scheme() == null) {
      problems.add(path + ".scheme", "is required when headerName is Authorization (e.g. Bearer)");
    }
    if (raw.scheme() != null && !HttpTokens.isToken(raw.scheme())) {
      problems.add(
          path + ".scheme", "\"" + raw.scheme() + "\" is not a valid auth scheme (an HTTP token)");
    }
    return new RouteAuth.Header(name, raw.scheme());
  }

  private static RouteAuth basic(RawConfig.Auth raw, String path, Problems problems) {
    if (raw.headerName() != null) {
      problems.add(path + ".headerName", "is only for type header (basic uses Authorization)");
    }
    if (raw.scheme() != null) {
      problems.add(path + ".scheme", "is only for type header");
    }
    onlyForAws(raw, path, problems);
    String user = raw.username();
    if (user == null || user.isEmpty()) {
      problems.add(path + ".username", "is required for type basic");
    } else if (user.indexOf(':') >= 0) {
      problems.add(path + ".username", "must not contain ':'");
    } else if (user.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      problems.add(path + ".username", "must not contain control characters");
    }
    return new RouteAuth.Basic(user);
  }

  private static RouteAuth awsSigV4(RawConfig.Auth raw, String path, Problems problems) {
    if (raw.headerName() != null || raw.scheme() != null || raw.username() != null) {
      problems.add(path, "type awsSigV4 takes only service and region");
    }
    awsName(raw.service(), path + ".service", "an AWS signing name (e.g. bedrock)", problems);
    awsName(raw.region(), path + ".region", "an AWS region (e.g. us-east-1)", problems);
    return new RouteAuth.AwsSigV4(raw.service(), raw.region());
  }

  private static void awsName(String value, String path, String what, Problems problems) {
    if (value == null) {
      problems.add(path, "is required for type awsSigV4");
    } else if (!AWS_NAME.matcher(value).matches()) {
      problems.add(path, "\"" + value + "\" is not " + what);
    }
  }

  private static void onlyForAws(RawConfig.Auth raw, String path, Problems problems) {
    if (raw.service() != null) {
      problems.add(path + ".service", "is only for type awsSigV4");
    }
    if (raw.region() != null) {
      problems.add(path + ".region", "is only for type awsSigV4");
    }
  }
}

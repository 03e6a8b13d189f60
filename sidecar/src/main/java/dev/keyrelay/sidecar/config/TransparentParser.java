package dev.keyrelay.sidecar.config;

/** Validates the {@code transparent} block: two distinct loopback listen addresses. */
final class TransparentParser {

  static final String DEFAULT_HTTPS_LISTEN = "127.0.0.1:15443";
  static final String DEFAULT_HTTP_LISTEN = "127.0.0.1:15080";

  private TransparentParser() {}

  /** Null when the block is absent; {@code transparent: {}} gets both defaults. */
  static TransparentSettings parse(RawConfig.Transparent raw, Problems problems) {
    if (raw == null) {
      return null;
    }
    HostPort https = listen("transparent.httpsListen", raw.httpsListen(), DEFAULT_HTTPS_LISTEN, problems);
    HostPort http = listen("transparent.httpListen", raw.httpListen(), DEFAULT_HTTP_LISTEN, problems);
    if (https != null && https.equals(http) && https.port() != 0) {
      problems.add("transparent.httpListen", "must differ from transparent.httpsListen (" + https + ")");
    }
    return new TransparentSettings(https, http);
  }

  private static HostPort listen(String field, String text, String fallback, Problems problems) {
    HostPort listen =
        problems.attempt(field, () -> Addresses.listen(text == null ? fallback : text));
    if (listen != null && !Addresses.isLoopback(listen)) {
      problems.add(
          field,
          listen
              + " is not a loopback address; iptables REDIRECT delivers the agent's connections to"
              + " 127.0.0.1");
    }
    return listen;
  }
}

package dev.keyrelay.sidecar.config;

import dev.keyrelay.contract.PodLayout;

/** Validates the {@code transparent} block: two distinct loopback listen addresses. */
final class TransparentParser {

  static final TransparentSettings DEFAULTS =
      new TransparentSettings(
          new HostPort(PodLayout.LOOPBACK, PodLayout.TRANSPARENT_HTTPS_PORT),
          new HostPort(PodLayout.LOOPBACK, PodLayout.TRANSPARENT_HTTP_PORT));

  private TransparentParser() {}

  /** Null when the block is absent; {@code transparent: {}} gets both defaults. */
  static TransparentSettings parse(RawConfig.Transparent raw, Problems problems) {
    if (raw == null) {
      return null;
    }
    HostPort https =
        listen("transparent.httpsListen", raw.httpsListen(), DEFAULTS.httpsListen(), problems);
    HostPort http =
        listen("transparent.httpListen", raw.httpListen(), DEFAULTS.httpListen(), problems);
    if (https != null && https.equals(http) && https.port() != 0) {
      problems.add(
          "transparent.httpListen", "must differ from transparent.httpsListen (" + https + ")");
    }
    return new TransparentSettings(https, http);
  }

  private static HostPort listen(String field, String text, HostPort fallback, Problems problems) {
    HostPort listen =
        text == null ? fallback : problems.attempt(field, () -> Addresses.listen(text));
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

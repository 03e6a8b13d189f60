package dev.keyrelay.sidecar.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Validates the URL of a token issuer: credentials go there, so only HTTPS is accepted. */
final class HttpsUrls {

  private HttpsUrls() {}

  /**
   * @throws IllegalArgumentException when the text is not an absolute https URL with a host and
   *     without user info, query or fragment
   */
  static URI parse(String text) {
    URI url;
    try {
      url = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a URL");
    }
    if (url.getScheme() == null || !url.getScheme().toLowerCase(Locale.ROOT).equals("https")) {
      throw new IllegalArgumentException("must be an https URL (credentials are sent to it)");
    }
    if (url.getHost() == null) {
      throw new IllegalArgumentException("must name a host");
    }
    if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException("must not hold user info, a query or a fragment");
    }
    return url;
  }
}

package dev.keyrelay.sidecar.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Reads an {@code application/x-www-form-urlencoded} body for the test servers that take forms. */
final class FormBodies {

  private FormBodies() {}

  static Map<String, String> parse(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
      }
    }
    return form;
  }

  static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}

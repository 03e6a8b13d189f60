package dev.keyrelay.contract;

import java.util.regex.Pattern;

/** RFC 9110 tokens: what header names and auth schemes may consist of. */
public final class HttpTokens {

  /** The grammar as a regular expression, for the CRD's schema and for Java. */
  public static final String PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

  private static final Pattern TOKEN = Pattern.compile(PATTERN);

  private HttpTokens() {}

  public static boolean isToken(String s) {
    return TOKEN.matcher(s).matches();
  }
}

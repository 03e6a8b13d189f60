package dev.keyrelay.contract;

import java.util.regex.Pattern;

/** RFC 9110 tokens: what header names and auth schemes may consist of. */
public final class HttpTokens {

  /** The grammar as a regular expression, for the CRD's schema and for Java. */
  public static final String PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

  /**
   * The methods a route's rules may name: upper-case tokens of letters, digits, '-' and '_' (every
   * registered method has this form, and methods are case-sensitive, so {@code get} is refused
   * rather than silently never matching).
   */
  public static final String METHOD_PATTERN = "^[A-Z][A-Z0-9_-]*$";

  private static final Pattern TOKEN = Pattern.compile(PATTERN);
  private static final Pattern METHOD = Pattern.compile(METHOD_PATTERN);

  private HttpTokens() {}

  public static boolean isToken(String s) {
    return TOKEN.matcher(s).matches();
  }

  public static boolean isMethod(String s) {
    return METHOD.matcher(s).matches();
  }
}

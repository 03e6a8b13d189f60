package dev.keyrelay.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * Brings an origin-form path to the one form rules are matched in: percent escapes of unreserved
 * characters decoded, the others upper-cased, dot segments removed (RFC 3986 section 5.2.4) and
 * duplicate slashes collapsed; the query is cut off. What servers read in different ways is refused
 * rather than guessed: an encoded slash or backslash, a NUL or other control character, a {@code
 * ..} above the root, a dot segment hidden behind a {@code ;} parameter ({@code ..;/}, which Tomcat
 * and Jetty read as {@code ..}), a broken escape, a fragment, anything not printable ASCII.
 */
public final class PathNormalizer {

  private PathNormalizer() {}

  /**
   * @param target an origin-form request target, {@code /path?query}
   * @throws RefusedPathException naming what is refused, without quoting the path
   */
  public static NormalizedPath normalize(String target) throws RefusedPathException {
    int query = target.indexOf('?');
    String raw = query < 0 ? target : target.substring(0, query);
    if (!raw.startsWith("/")) {
      throw new RefusedPathException("the request target is not an absolute path");
    }
    List<String> segments = new ArrayList<>();
    boolean trailingSlash = false;
    int start = 1;
    while (start <= raw.length()) {
      int slash = raw.indexOf('/', start);
      int end = slash < 0 ? raw.length() : slash;
      String segment = decode(raw, start, end);
      int parameter = segment.indexOf(';');
      String bare = parameter < 0 ? segment : segment.substring(0, parameter);
      if (parameter >= 0 && (bare.equals(".") || bare.equals(".."))) {
        throw new RefusedPathException("a dot segment with a ';' parameter (such as ..;/)");
      }
      if (segment.equals("..")) {
        if (segments.isEmpty()) {
          throw new RefusedPathException("a '..' segment climbs above the root");
        }
        segments.remove(segments.size() - 1);
        trailingSlash = true; // "/a/b/.." names the directory "/a/", as a browser resolves it
      } else if (segment.equals(".") || segment.isEmpty()) {
        trailingSlash = true; // "." and the empty segment of "//" vanish
      } else {
        segments.add(segment);
        trailingSlash = false;
      }
      start = end + 1;
    }
    if (trailingSlash && !segments.isEmpty()) {
      segments.add("");
    }
    return new NormalizedPath("/" + String.join("/", segments), segments);
  }

  private static String decode(String raw, int start, int end) throws RefusedPathException {
    StringBuilder out = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= end) {
          throw new RefusedPathException("a malformed percent escape");
        }
        int value = hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2));
        if (value == '/' || value == '\\') {
          throw new RefusedPathException("an encoded slash or backslash");
        }
        if (value < 0x20 || value == 0x7f) {
          throw new RefusedPathException("an encoded NUL or control character");
        }
        if (unreserved(value)) {
          out.append((char) value);
        } else {
          out.append('%').append(upperHex(value >> 4)).append(upperHex(value & 0xf));
        }
        i += 2;
      } else if (c == '#') {
        throw new RefusedPathException("a fragment in the request target");
      } else if (c == '\\') {
        throw new RefusedPathException("a backslash, which some servers read as a slash");
      } else if (c <= 0x20 || c >= 0x7f) {
        throw new RefusedPathException("a control, space or non-ASCII character");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static int hex(char c) throws RefusedPathException {
    int digit = Character.digit(c, 16);
    if (digit < 0) {
      throw new RefusedPathException("a malformed percent escape");
    }
    return digit;
  }

  private static char upperHex(int digit) {
    return "0123456789ABCDEF".charAt(digit);
  }

  private static boolean unreserved(int c) {
    return c >= 'a' && c <= 'z'
        || c >= 'A' && c <= 'Z'
        || c >= '0' && c <= '9'
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}

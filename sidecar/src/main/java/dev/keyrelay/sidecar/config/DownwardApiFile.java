package dev.keyrelay.sidecar.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the kubelet's downward-API rendering of {@code metadata.labels} or {@code
 * metadata.annotations}: one {@code key="value"} line per entry, the value quoted as Go's {@code
 * strconv.Quote} does (so a value never spans lines).
 */
final class DownwardApiFile {

  private DownwardApiFile() {}

  /**
   * @throws IllegalArgumentException naming the line of the first malformed entry, never its value
   */
  static Map<String, String> parse(String content) {
    Map<String, String> entries = new LinkedHashMap<>();
    String[] lines = content.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw malformed(i, "no key=\"value\"");
      }
      String key = line.substring(0, eq);
      String value = unquote(line.substring(eq + 1), i);
      if (entries.put(key, value) != null) {
        throw malformed(i, "the key appears twice");
      }
    }
    return entries;
  }

  /** Go's double-quoted string literal: escapes may encode raw bytes, so decode UTF-8 last. */
  private static String unquote(String quoted, int line) {
    int n = quoted.length();
    if (n < 2 || quoted.charAt(0) != '"' || quoted.charAt(n - 1) != '"') {
      throw malformed(line, "the value is not a double-quoted string");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(n);
    int i = 1;
    while (i < n - 1) {
      char c = quoted.charAt(i);
      if (c == '"') {
        throw malformed(line, "unescaped quote inside the value");
      }
      if (c != '\\') {
        int cp = quoted.codePointAt(i);
        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp);
        continue;
      }
      if (i + 1 >= n - 1) {
        throw malformed(line, "the value ends in a lone backslash");
      }
      char e = quoted.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> out.write(0x07);
        case 'b' -> out.write('\b');
        case 'f' -> out.write('\f');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case 'v' -> out.write(0x0b);
        case '\\', '"', '\'' -> out.write(e);
        case 'x' -> {
          out.write(hex(quoted, i, 2, n, line));
          i += 2;
        }
        case 'u', 'U' -> {
          int digits = e == 'u' ? 4 : 8;
          int cp = hex(quoted, i, digits, n, line);
          if (!Character.isValidCodePoint(cp)) {
            throw malformed(line, "an escape is not a Unicode code point");
          }
          out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
          i += digits;
        }
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          if (i + 2 > n - 1) {
            throw malformed(line, "a short octal escape");
          }
          String digits = quoted.substring(i - 1, i + 2);
          if (!digits.matches("[0-3][0-7][0-7]")) {
            throw malformed(line, "an octal escape that is not three digits up to \\377");
          }
          out.write(Integer.parseInt(digits, 8));
          i += 2;
        }
        default -> throw malformed(line, "an unknown escape \\" + e);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(String s, int from, int digits, int n, int line) {
    if (from + digits > n - 1) {
      throw malformed(line, "a short hex escape");
    }
    try {
      return (int) Long.parseLong(s.substring(from, from + digits), 16);
    } catch (NumberFormatException e) {
      throw malformed(line, "a hex escape with a non-hex digit");
    }
  }

  private static IllegalArgumentException malformed(int index, String why) {
    return new IllegalArgumentException(
        "line " + (index + 1) + " is not a downward-API entry: " + why);
  }
}

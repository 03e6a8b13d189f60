package dev.keyrelay.sidecar.audit;

/**
 * One proxy decision, logged as one JSON line. Holds no header or body, so no credential can reach
 * the audit log; the path is kept without its query string, which may carry tokens.
 *
 * @param decision injected, forwarded, tunnelled, denied, limited, failed or aborted
 * @param bytesSent request bytes of a tunnel, or -1
 * @param bytesReceived response bytes of a tunnel, or -1
 * @param scrubbed whether the secret was masked out of the response
 */
public record AuditEvent(
    String decision,
    String route,
    String host,
    String method,
    String path,
    int status,
    long durationNanos,
    long bytesSent,
    long bytesReceived,
    boolean scrubbed) {

  /** The path of a request target, absolute or origin form, without query or fragment. */
  public static String pathOf(String uri) {
    String path = uri;
    int scheme = path.indexOf("://");
    if (scheme >= 0 && !path.startsWith("/")) {
      int slash = path.indexOf('/', scheme + 3);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    int cut = path.length();
    for (char c : new char[] {'?', '#'}) {
      int at = path.indexOf(c);
      if (at >= 0 && at < cut) {
        cut = at;
      }
    }
    return path.substring(0, cut);
  }
}

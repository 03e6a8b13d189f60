package dev.keyrelay.contract;

import java.util.List;
import java.util.Locale;

/**
 * Header names a route may never inject its credential into: they frame the message, address it, or
 * belong to one connection or to the proxy. The operator refuses such a route, the sidecar refuses
 * such a config.
 */
public final class ReservedHeaders {

  /** Lower-case. */
  public static final List<String> NAMES =
      List.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "te",
          "trailer",
          "upgrade",
          "proxy-authorization",
          "proxy-authenticate");

  /**
   * {@link #NAMES} as a CEL list literal, for the CRD's validation rules (a test keeps them equal).
   */
  public static final String CEL_LIST =
      "['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te',"
          + " 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']";

  private ReservedHeaders() {}

  public static boolean isReserved(String headerName) {
    return NAMES.contains(headerName.toLowerCase(Locale.ROOT));
  }
}

package dev.keyrelay.sidecar.egress;

import java.util.Locale;

/** A class of destination addresses that unmatched traffic may not reach. */
public enum DeniedRange {
  UNSPECIFIED("unspecified"),
  LOOPBACK("loopback"),
  PRIVATE("private (RFC 1918)"),
  CARRIER_GRADE_NAT("carrier-grade NAT"),
  LINK_LOCAL("link-local"),
  CLOUD_METADATA("cloud metadata"),
  SITE_LOCAL("site-local"),
  UNIQUE_LOCAL("unique-local"),
  MULTICAST("multicast"),
  RESERVED("reserved"),
  BROADCAST("broadcast");

  private final String reason;

  DeniedRange(String reason) {
    this.reason = reason;
  }

  /** Human-readable words for denial messages, e.g. "private (RFC 1918)". */
  public String reason() {
    return reason;
  }

  /** A short, stable metric tag value, e.g. "carrier-grade-nat". */
  public String kind() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}

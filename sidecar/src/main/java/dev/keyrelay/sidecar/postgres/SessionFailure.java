package dev.keyrelay.sidecar.postgres;

/**
 * Why a session could not be set up: what the client is told (SQLSTATE and message, never a secret)
 * and a short reason for metrics and the audit log.
 */
final class SessionFailure extends Exception {

  static final String CONNECTION_FAILURE = "08006";
  static final String PROTOCOL_VIOLATION = "08P01";
  static final String INVALID_AUTHORIZATION = "28000";
  static final String INVALID_PASSWORD = "28P01";
  static final String INVALID_DATABASE = "3D000";
  static final String FEATURE_NOT_SUPPORTED = "0A000";

  private final String reason;
  private final String sqlState;

  SessionFailure(String reason, String sqlState, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.sqlState = sqlState;
  }

  /** A metric label such as {@code upstream_unreachable}. */
  String reason() {
    return reason;
  }

  String sqlState() {
    return sqlState;
  }
}

package dev.keyrelay.sidecar.postgres;

import java.util.Map;

/** What a client's startup phase produced: a session to open, or a query to cancel. */
sealed interface StartupPacket {

  /**
   * A protocol 3.0 StartupMessage.
   *
   * @param parameters in the client's order (user, database, application_name, options, ...)
   * @param tls whether the client's connection is encrypted
   */
  record Startup(Map<String, String> parameters, boolean tls) implements StartupPacket {}

  /** A CancelRequest carrying the BackendKeyData the client was given. */
  record Cancel(int processId, int secretKey) implements StartupPacket {}
}

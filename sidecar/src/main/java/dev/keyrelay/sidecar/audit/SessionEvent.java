package dev.keyrelay.sidecar.audit;

/**
 * One PostgreSQL listener session, logged as one JSON line when it ends. Holds no password.
 *
 * @param outcome {@code closed} for a relayed session, else the reason it was refused or failed
 * @param user the upstream user, or null when the client was refused before naming one
 * @param database the database the client asked for, or null
 * @param bytesFromClient bytes relayed from the client to the upstream
 * @param bytesToClient bytes relayed from the upstream to the client
 */
public record SessionEvent(
    String listener,
    String upstream,
    String database,
    String user,
    String outcome,
    String sqlState,
    long durationNanos,
    long bytesFromClient,
    long bytesToClient) {}

package dev.keyrelay.sidecar.secrets;

/**
 * One successful secret lookup.
 *
 * @param fetchedAtNanos when the value was read from its source, on the resolver's ticker
 */
record SecretRead(SecretValue value, long fetchedAtNanos, Outcome outcome) {

  /** Where the value came from this time. */
  enum Outcome {
    /** Read from the source just now. */
    FETCHED,
    /** Reused from the cache within {@code secrets.cacheTtl}. */
    CACHED,
    /** Reused past its TTL because the store is down, within {@code secrets.staleGrace}. */
    STALE
  }
}

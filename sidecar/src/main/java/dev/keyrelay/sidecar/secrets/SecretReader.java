package dev.keyrelay.sidecar.secrets;

import java.util.concurrent.CompletableFuture;

/** Looks up one secret for the resolver: directly on every request, or through a cache. */
interface SecretReader {

  /**
   * Completes with the value, or fails with a {@link SecretUnavailableException}.
   *
   * @param route the route asking, for the metrics of a fetch it causes
   */
  CompletableFuture<SecretRead> read(String route);

  /**
   * Marks {@code value}, which {@link #read} returned, as in use until the returned action runs; a
   * leased value (Vault database credentials) is kept renewed meanwhile. Never blocks.
   */
  default Runnable hold(SecretValue value) {
    return () -> {};
  }
}

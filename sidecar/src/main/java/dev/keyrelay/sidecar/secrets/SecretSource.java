package dev.keyrelay.sidecar.secrets;

/** Where one secret value comes from; implementations are thread-safe. */
public interface SecretSource {

  /**
   * Reads the current value. May block, so it is never called on an event loop.
   *
   * @throws SecretUnavailableException when there is no usable value right now
   */
  SecretValue read() throws SecretUnavailableException;

  /** Names the source for logs and errors, e.g. "env ANTHROPIC_API_KEY"; never the value. */
  String describe();

  /**
   * Whether the value lives in a remote store, so that the resolver caches it ({@code
   * secrets.cacheTtl}) and may serve it stale during an outage ({@code secrets.staleGrace}); local
   * sources are read on every request.
   */
  default boolean remote() {
    return false;
  }

  /**
   * Whether reading never waits for a disk or the network (an environment variable, a file on tmpfs
   * such as every mounted Kubernetes Secret), so that it may run on the calling thread, an event
   * loop included. Other sources are read on the blocking pool. Asked before every read: a source
   * may learn the answer during a read on the pool.
   */
  default boolean inMemory() {
    return false;
  }
}

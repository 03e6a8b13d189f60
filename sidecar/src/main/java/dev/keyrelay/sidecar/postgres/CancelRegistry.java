package dev.keyrelay.sidecar.postgres;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which upstream server issued the BackendKeyData a client holds, so that the client's
 * CancelRequest (a new connection carrying only that key) reaches the right server. The upstream's
 * key is passed to the client unchanged.
 */
final class CancelRegistry {

  private record Key(String listener, int processId, int secretKey) {}

  private final Map<Key, InetSocketAddress> upstreams = new ConcurrentHashMap<>();

  /** Remembers the key until {@link #forget} is called when the session closes. */
  void remember(String listener, int processId, int secretKey, InetSocketAddress upstream) {
    upstreams.put(new Key(listener, processId, secretKey), upstream);
  }

  void forget(String listener, int processId, int secretKey) {
    upstreams.remove(new Key(listener, processId, secretKey));
  }

  /** The upstream of a live session of {@code listener} with this key, or null. */
  InetSocketAddress upstreamOf(String listener, int processId, int secretKey) {
    return upstreams.get(new Key(listener, processId, secretKey));
  }
}

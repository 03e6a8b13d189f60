package dev.keyrelay.sidecar.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * Where an exchange gets its upstream HTTP connection and gives it back. Connections carry the
 * handlers {@link UpstreamPool#addHttpHandlers} installs, so {@link UpstreamPool#bind} works on
 * them.
 */
public interface Upstreams {

  /** A connection to {@code key} on {@code loop}, ready to write to (TLS verified). */
  Future<Channel> acquire(EventLoop loop, UpstreamKey key);

  /** Returns a connection whose exchange completed cleanly, for reuse. */
  void release(Channel channel);

  /** Closes a connection that must not be reused (failed or half-finished exchange). */
  void discard(Channel channel);
}

package dev.keyrelay.sidecar.upstream;

import dev.keyrelay.sidecar.Transport;
import dev.keyrelay.sidecar.tls.UpstreamTlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive upstream connections, pooled per event loop and {@link UpstreamKey}, so a client
 * connection and its upstream share a thread. A connection is handed out only after its TLS
 * handshake (certificate and host name verified) has succeeded, so nothing is ever written to an
 * unverified upstream.
 */
public final class UpstreamPool implements AutoCloseable {

  private static final AttributeKey<SimpleChannelPool> POOL = AttributeKey.valueOf("keyrelayPool");
  // Shorter than common server keep-alive timeouts, so the pool rarely hands out a dying connection.
  private static final Duration POOLED_IDLE = Duration.ofSeconds(30);

  private record PoolKey(EventLoop loop, UpstreamKey key) {}

  private final Transport transport;
  private final UpstreamTlsContexts tls;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final ConcurrentMap<PoolKey, SimpleChannelPool> pools = new ConcurrentHashMap<>();

  public UpstreamPool(
      Transport transport, UpstreamTlsContexts tls, Duration connectTimeout, Duration idleTimeout) {
    this.transport = transport;
    this.tls = tls;
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
  }

  /** A connection to {@code key} on {@code loop}, reused when one is idle, verified when TLS. */
  public Future<Channel> acquire(EventLoop loop, UpstreamKey key) {
    SimpleChannelPool pool = pools.computeIfAbsent(new PoolKey(loop, key), this::newPool);
    Promise<Channel> ready = loop.newPromise();
    pool.acquire()
        .addListener(
            (Future<Channel> acquired) -> {
              if (!acquired.isSuccess()) {
                ready.setFailure(acquired.cause());
                return;
              }
              Channel channel = acquired.getNow();
              channel.attr(POOL).set(pool);
              SslHandler ssl = channel.pipeline().get(SslHandler.class);
              if (ssl == null) {
                ready.setSuccess(channel);
                return;
              }
              ssl.handshakeFuture()
                  .addListener(
                      handshake -> {
                        if (handshake.isSuccess()) {
                          ready.setSuccess(channel);
                        } else {
                          channel.close();
                          ready.setFailure(handshake.cause());
                        }
                      });
            });
    return ready;
  }

  /** Routes the connection's events to {@code listener} until it is released or discarded. */
  public static void bind(Channel channel, UpstreamListener listener) {
    channel.pipeline().get(UpstreamHandler.class).bind(listener);
  }

  /** Returns a connection whose exchange completed cleanly, for reuse. */
  public void release(Channel channel) {
    channel.pipeline().get(UpstreamHandler.class).unbind();
    channel.config().setAutoRead(true);
    channel.attr(POOL).get().release(channel);
  }

  /** Closes a connection that must not be reused (failed or half-finished exchange). */
  public void discard(Channel channel) {
    UpstreamHandler handler = channel.pipeline().get(UpstreamHandler.class);
    if (handler != null) {
      handler.unbind();
    }
    channel.close();
  }

  private SimpleChannelPool newPool(PoolKey poolKey) {
    UpstreamKey key = poolKey.key();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(poolKey.loop())
            .channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .remoteAddress(key.address());
    return new SimpleChannelPool(
        bootstrap,
        new AbstractChannelPoolHandler() {
          @Override
          public void channelCreated(Channel channel) {
            if (key.tls()) {
              channel
                  .pipeline()
                  .addLast(
                      UpstreamTlsContexts.newHandler(
                          tls.forCaFile(key.caFile()), channel.alloc(), key.host(), key.port()));
            }
            channel
                .pipeline()
                .addLast(new HttpClientCodec())
                .addLast(
                    new IdleStateHandler(
                        idleTimeout.toMillis(), 0, POOLED_IDLE.toMillis(), TimeUnit.MILLISECONDS))
                .addLast(new UpstreamHandler());
          }
        });
  }

  @Override
  public void close() {
    pools.values().forEach(SimpleChannelPool::close);
    pools.clear();
  }
}

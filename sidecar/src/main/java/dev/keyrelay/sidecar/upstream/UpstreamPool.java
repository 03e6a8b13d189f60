package dev.keyrelay.sidecar.upstream;

import dev.keyrelay.sidecar.tls.TrustUnavailableException;
import dev.keyrelay.sidecar.tls.UpstreamTlsContexts;
import dev.keyrelay.sidecar.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive upstream connections, pooled per event loop and {@link UpstreamKey}, so a client
 * connection and its upstream share a thread. A connection is handed out only after its TLS
 * handshake (certificate and host name verified) has succeeded, so nothing is ever written to an
 * unverified upstream. Each event loop keeps at most {@link #MAX_POOLS_PER_LOOP} pools and drops
 * the least recently used one beyond that, so an agent that calls very many hosts cannot make the
 * sidecar grow without bound.
 */
public final class UpstreamPool implements Upstreams, AutoCloseable {

  static final int MAX_POOLS_PER_LOOP = 256;

  private static final AttributeKey<PoolRef> POOL = AttributeKey.valueOf("keyrelayPool");
  // Shorter than common server keep-alive timeouts, so the pool rarely hands out a dying
  // connection.
  private static final Duration POOLED_IDLE = Duration.ofSeconds(30);

  /** The pool a connection came from, and the key it was filed under on its loop. */
  private record PoolRef(UpstreamKey key, SimpleChannelPool pool) {}

  private final Transport transport;
  private final UpstreamTlsContexts tls;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final int maxPoolsPerLoop;
  // Each loop's map is used by that loop's thread, and by close(): the lock is uncontended.
  private final ConcurrentMap<EventLoop, Map<UpstreamKey, SimpleChannelPool>> pools =
      new ConcurrentHashMap<>();

  public UpstreamPool(
      Transport transport, UpstreamTlsContexts tls, Duration connectTimeout, Duration idleTimeout) {
    this(transport, tls, connectTimeout, idleTimeout, MAX_POOLS_PER_LOOP);
  }

  UpstreamPool(
      Transport transport,
      UpstreamTlsContexts tls,
      Duration connectTimeout,
      Duration idleTimeout,
      int maxPoolsPerLoop) {
    this.transport = transport;
    this.tls = tls;
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
    this.maxPoolsPerLoop = maxPoolsPerLoop;
  }

  /** A connection to {@code key} on {@code loop}, reused when one is idle, verified when TLS. */
  @Override
  public Future<Channel> acquire(EventLoop loop, UpstreamKey key) {
    if (key.tls()) {
      try {
        tls.forCaFile(key.caFile());
      } catch (TrustUnavailableException e) {
        // Before connecting: a connection to an upstream that cannot be verified is never opened.
        return loop.newFailedFuture(e);
      }
    }
    PoolRef ref = new PoolRef(key, pool(loop, key));
    SimpleChannelPool pool = ref.pool();
    Promise<Channel> ready = loop.newPromise();
    pool.acquire()
        .addListener(
            (Future<Channel> acquired) -> {
              if (!acquired.isSuccess()) {
                ready.setFailure(acquired.cause());
                return;
              }
              Channel channel = acquired.getNow();
              channel.attr(POOL).set(ref);
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

  /** Stops routing the connection's events to the exchange that held it. */
  public static void unbind(Channel channel) {
    UpstreamHandler handler = channel.pipeline().get(UpstreamHandler.class);
    if (handler != null) {
      handler.unbind();
    }
  }

  /**
   * Readies a connection to wait between exchanges: no exchange gets its events, so the server's
   * close or bytes out of turn close it, and it reads again if an exchange had paused it.
   */
  public static void idle(Channel channel) {
    unbind(channel);
    channel.config().setAutoRead(true);
  }

  @Override
  public void release(Channel channel) {
    idle(channel);
    PoolRef ref = channel.attr(POOL).get();
    if (ref.pool() != current(channel.eventLoop(), ref.key())) {
      // its pool was dropped while the connection was in use
      channel.close();
      return;
    }
    ref.pool().release(channel);
  }

  /** How many pools {@code loop} keeps. */
  int poolCount(EventLoop loop) {
    Map<UpstreamKey, SimpleChannelPool> loopPools = pools.get(loop);
    if (loopPools == null) {
      return 0;
    }
    synchronized (loopPools) {
      return loopPools.size();
    }
  }

  private SimpleChannelPool pool(EventLoop loop, UpstreamKey key) {
    Map<UpstreamKey, SimpleChannelPool> loopPools = pools.computeIfAbsent(loop, l -> lruMap());
    synchronized (loopPools) {
      return loopPools.computeIfAbsent(key, k -> newPool(loop, k));
    }
  }

  private SimpleChannelPool current(EventLoop loop, UpstreamKey key) {
    Map<UpstreamKey, SimpleChannelPool> loopPools = pools.get(loop);
    if (loopPools == null) {
      return null;
    }
    synchronized (loopPools) {
      return loopPools.get(key);
    }
  }

  private Map<UpstreamKey, SimpleChannelPool> lruMap() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<UpstreamKey, SimpleChannelPool> eldest) {
        if (size() <= maxPoolsPerLoop) {
          return false;
        }
        // closes its idle connections; never blocks the event loop
        eldest.getValue().closeAsync();
        return true;
      }
    };
  }

  /**
   * Takes a connection out of HTTP for good (a switched protocol): it never returns to a pool, and
   * from now on {@code next} gets its raw bytes, including any the HTTP decoder still held.
   */
  public static void detach(Channel channel, ChannelHandler next) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.remove(IdleStateHandler.class);
    pipeline.remove(UpstreamHandler.class);
    pipeline.addLast(next);
    pipeline.remove(HttpClientCodec.class);
  }

  @Override
  public void discard(Channel channel) {
    unbind(channel);
    channel.close();
  }

  private SimpleChannelPool newPool(EventLoop loop, UpstreamKey key) {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
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
            addHttpHandlers(channel.pipeline(), idleTimeout);
          }
        });
  }

  /**
   * The handlers after TLS on every upstream connection: HTTP/1.1, the idle clocks (an exchange's
   * response timeout, a pooled connection's idle close) and the bridge to the bound exchange.
   */
  public static void addHttpHandlers(ChannelPipeline pipeline, Duration idleTimeout) {
    pipeline
        .addLast(new HttpClientCodec())
        .addLast(
            new IdleStateHandler(
                idleTimeout.toMillis(), 0, POOLED_IDLE.toMillis(), TimeUnit.MILLISECONDS))
        .addLast(new UpstreamHandler());
  }

  @Override
  public void close() {
    for (Map<UpstreamKey, SimpleChannelPool> loopPools : pools.values()) {
      synchronized (loopPools) {
        loopPools.values().forEach(SimpleChannelPool::closeAsync);
        loopPools.clear();
      }
    }
  }
}

package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.audit.SessionEvent;
import dev.keyrelay.sidecar.config.PostgresListener;
import dev.keyrelay.sidecar.relay.ByteRelay;
import dev.keyrelay.sidecar.transport.RootCause;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session of a listener, from its StartupMessage to its close: the state both sides'
 * handlers share, and the one place that reports its outcome (metrics, audit, client error). Both
 * channels run on the client's event loop, so no field needs synchronisation.
 */
final class Session {

  private static final Logger log = LoggerFactory.getLogger(Session.class);

  final PostgresListener listener;
  final PostgresServices services;
  final Channel client;
  final String database;
  private final long startNanos = System.nanoTime();
  private final List<ByteBuf> pending = new ArrayList<>();
  private final Counter fromClientCounter;
  private final Counter toClientCounter;
  private final ScheduledFuture<?> setupTimeout;
  private String loginUser;
  private Channel upstream;
  private InetSocketAddress upstreamAddress;
  private int processId;
  private int secretKey;
  private boolean keyKnown;
  private boolean finished;
  private long fromClient;
  private long toClient;

  Session(PostgresListener listener, PostgresServices services, Channel client, String database) {
    this.listener = listener;
    this.services = services;
    this.client = client;
    this.database = database;
    this.loginUser = listener.user();
    this.fromClientCounter = services.metrics().bytes(listener.name(), true);
    this.toClientCounter = services.metrics().bytes(listener.name(), false);
    long limit = services.connectTimeout().toMillis();
    this.setupTimeout =
        client
            .eventLoop()
            .schedule(
                () ->
                    fail(
                        new SessionFailure(
                            "upstream_timeout",
                            SessionFailure.CONNECTION_FAILURE,
                            describe(
                                "the upstream server did not complete the login within "
                                    + limit
                                    + " ms"))),
                limit,
                TimeUnit.MILLISECONDS);
  }

  /** The user the sidecar logs in upstream as: the listener's, or the one Vault issued. */
  void loginUser(String user) {
    this.loginUser = user;
  }

  String loginUser() {
    return loginUser;
  }

  void upstreamConnected(Channel channel, InetSocketAddress address) {
    this.upstream = channel;
    this.upstreamAddress = address;
    if (finished) {
      channel.close();
    }
  }

  /** Keeps bytes a client sent before the relay started; they go upstream first. */
  void holdFromClient(ByteBuf bytes) {
    if (finished) {
      bytes.release();
    } else {
      pending.add(bytes);
    }
  }

  void upstreamAuthenticated(String method) {
    services
        .metrics()
        .upstreamAuth(listener.name(), method, Duration.ofNanos(System.nanoTime() - startNanos));
    client.writeAndFlush(PgWire.authenticationOk(client.alloc()));
  }

  void backendKey(int processId, int secretKey) {
    this.processId = processId;
    this.secretKey = secretKey;
    this.keyKnown = true;
    services.cancels().remember(listener.name(), processId, secretKey, upstreamAddress);
  }

  /** Turns both channels into a plain byte relay; called once the upstream is ready for query. */
  void startRelay(String upstreamHandlerName) {
    setupTimeout.cancel(false);
    services.metrics().started(listener.name());
    client.config().setAutoRead(false);
    upstream.config().setAutoRead(false);
    client.pipeline().replace(SessionHandler.NAME, "relay", new ByteRelay(upstream, this::sent));
    upstream.pipeline().addLast("relay", new ByteRelay(client, this::received));
    upstream.pipeline().remove(upstreamHandlerName);
    // Removing the framer hands the bytes it still holds to the relay behind it.
    upstream.pipeline().remove(PgFrameDecoder.class);
    client.flush();
    for (ByteBuf bytes : pending) {
      sent(bytes.readableBytes());
      upstream.write(bytes);
    }
    pending.clear();
    upstream.flush();
    client.closeFuture().addListener(closed -> upstream.close());
    upstream.closeFuture().addListener(closed -> ended());
    client.config().setAutoRead(true);
    upstream.config().setAutoRead(true);
  }

  /** The upstream connection broke while the session was being set up. */
  void upstreamFailed(Throwable cause) {
    fail(
        new SessionFailure(
            "upstream_protocol",
            SessionFailure.CONNECTION_FAILURE,
            describe("the upstream connection failed: " + RootCause.message(cause))));
  }

  /** The upstream closed during {@code phase} (startup, login) of the setup. */
  void upstreamClosed(String phase) {
    fail(
        new SessionFailure(
            "upstream_closed",
            SessionFailure.CONNECTION_FAILURE,
            describe("the upstream server closed the connection during " + phase)));
  }

  /** Sends the client its ErrorResponse and closes both sides; only the first failure counts. */
  void fail(SessionFailure failure) {
    if (finished) {
      return;
    }
    finished = true;
    setupTimeout.cancel(false);
    pending.forEach(ByteBuf::release);
    pending.clear();
    services.metrics().failed(listener.name(), failure.reason());
    log.debug("listener {} session failed: {}", listener.name(), failure.reason());
    audit(failure.reason(), failure.sqlState());
    if (client.isActive()) {
      client
          .writeAndFlush(
              PgWire.errorResponse(client.alloc(), failure.sqlState(), failure.getMessage()))
          .addListener(ChannelFutureListener.CLOSE);
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** A message naming the listener, for the client's ErrorResponse. */
  String describe(String reason) {
    return "keyrelay listener \"" + listener.name() + "\": " + reason;
  }

  private void sent(long bytes) {
    fromClient += bytes;
    fromClientCounter.increment(bytes);
  }

  private void received(long bytes) {
    toClient += bytes;
    toClientCounter.increment(bytes);
  }

  private void ended() {
    finished = true;
    if (keyKnown) {
      services.cancels().forget(listener.name(), processId, secretKey);
    }
    services.metrics().ended(listener.name());
    audit("closed", null);
  }

  private void audit(String outcome, String sqlState) {
    services
        .audit()
        .record(
            new SessionEvent(
                listener.name(),
                listener.upstream().host() + ":" + listener.upstream().port(),
                database,
                loginUser,
                outcome,
                sqlState,
                System.nanoTime() - startNanos,
                fromClient,
                toClient));
  }
}

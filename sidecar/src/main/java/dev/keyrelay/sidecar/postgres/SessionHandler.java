package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.config.PostgresListener;
import dev.keyrelay.sidecar.secrets.SecretResolver.HeldSecret;
import dev.keyrelay.sidecar.transport.RootCause;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Takes the client's startup: checks user and database, reads the secret and connects to the
 * upstream off the event loop, or forwards a CancelRequest. Replaced by a relay once the upstream
 * is ready.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "session";

  private final PostgresListener listener;
  private final PostgresServices services;
  private Session session;

  SessionHandler(PostgresListener listener, PostgresServices services) {
    this.listener = listener;
    this.services = services;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof StartupPacket.Startup startup) {
      start(ctx, startup);
    } else if (msg instanceof StartupPacket.Cancel cancel) {
      CancelForwarder.forward(ctx.channel(), listener, services, cancel);
    } else if (msg instanceof ByteBuf bytes && session != null) {
      session.holdFromClient(bytes);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void start(ChannelHandlerContext ctx, StartupPacket.Startup startup) {
    Map<String, String> parameters = new LinkedHashMap<>(startup.parameters());
    String user = parameters.remove("user");
    String database = parameters.remove("database");
    if (database == null || database.isEmpty()) {
      // PostgreSQL's default: the database named like the user the client asked for.
      database = listener.user() != null ? listener.user() : user;
    }
    session = new Session(listener, services, ctx.channel(), database);
    services.metrics().opened(listener.name());
    ctx.channel().config().setAutoRead(false);
    if (listener.user() != null && !listener.user().equals(user)) {
      session.fail(
          new SessionFailure(
              "wrong_user",
              SessionFailure.INVALID_AUTHORIZATION,
              session.describe(
                  "user \"" + user + "\" is not allowed; connect as \"" + listener.user() + "\"")));
      return;
    }
    if (!listener.databases().isEmpty() && !listener.databases().contains(database)) {
      session.fail(
          new SessionFailure(
              "database_not_allowed",
              SessionFailure.INVALID_DATABASE,
              session.describe(
                  "database \""
                      + database
                      + "\" is not allowed; allowed: "
                      + String.join(", ", listener.databases()))));
      return;
    }
    String chosenDatabase = database;
    CompletableFuture<HeldSecret> secret =
        services.secrets().hold(listener.name(), listener.secret());
    // The session uses the login (and keeps a lease behind it renewed) until the client is gone.
    secret.thenAccept(
        held -> ctx.channel().closeFuture().addListener(closed -> held.release().run()));
    CompletableFuture<InetAddress> address = services.hosts().resolve(listener.upstream().host());
    secret
        .thenCombine(address, Prepared::new)
        .whenCompleteAsync(
            (prepared, error) -> {
              if (error != null) {
                session.fail(setupFailure(secret, error));
              } else {
                connect(
                    ctx.channel(),
                    prepared,
                    startupFor(prepared.secret(), chosenDatabase, parameters));
              }
            },
            ctx.executor());
  }

  private record Prepared(HeldSecret secret, InetAddress address) {}

  /** The upstream startup: the login's user (Vault's, else the listener's), database, the rest. */
  private Map<String, String> startupFor(
      HeldSecret secret, String database, Map<String, String> parameters) {
    String user = secret.value().user() != null ? secret.value().user() : listener.user();
    session.loginUser(user);
    Map<String, String> startup = new LinkedHashMap<>();
    startup.put("user", user);
    if (database != null) {
      startup.put("database", database);
    }
    startup.putAll(parameters);
    return startup;
  }

  private SessionFailure setupFailure(CompletableFuture<?> secret, Throwable error) {
    if (secret.isCompletedExceptionally()) {
      return new SessionFailure(
          "secret_unavailable",
          SessionFailure.CONNECTION_FAILURE,
          session.describe(
              "the secret is unavailable: "
                  + (error instanceof CompletionException wrapped ? wrapped.getCause() : error)
                      .getMessage()));
    }
    return new SessionFailure(
        "upstream_unreachable",
        SessionFailure.CONNECTION_FAILURE,
        session.describe("cannot resolve upstream host " + listener.upstream().host()));
  }

  private void connect(Channel client, Prepared prepared, Map<String, String> startup) {
    InetSocketAddress target =
        new InetSocketAddress(prepared.address(), listener.upstream().port());
    new Bootstrap()
        .group(client.eventLoop())
        .channel(services.transport().socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) services.connectTimeout().toMillis())
        .handler(new UpstreamStartHandler(session, startup, prepared.secret().value().reveal()))
        .connect(target)
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (connected.isSuccess()) {
                    session.upstreamConnected(connected.channel(), target);
                  } else {
                    session.fail(
                        new SessionFailure(
                            "upstream_unreachable",
                            SessionFailure.CONNECTION_FAILURE,
                            session.describe(
                                "cannot reach the upstream server "
                                    + listener.upstream().host()
                                    + ":"
                                    + listener.upstream().port()
                                    + ": "
                                    + RootCause.message(connected.cause()))));
                  }
                });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (session != null) {
      session.fail(
          new SessionFailure(
              "client_closed",
              SessionFailure.CONNECTION_FAILURE,
              session.describe("the client left during setup")));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}

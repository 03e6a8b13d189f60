package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.audit.SessionEvent;
import dev.keyrelay.sidecar.config.PostgresListener;
import dev.keyrelay.sidecar.config.PostgresListener.ClientTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's startup phase: answers GSSENCRequest with N and SSLRequest per {@code clientTls} (or
 * serves a direct TLS hello), then emits one {@link StartupPacket} and removes itself.
 */
final class StartupDecoder extends ByteToMessageDecoder {

  /** The first byte of a TLS handshake record: a PostgreSQL 17 client in direct TLS mode. */
  private static final byte TLS_HANDSHAKE = 0x16;

  private enum State {
    /** Before any packet: SSLRequest, GSSENCRequest, direct TLS or the startup itself. */
    NEGOTIATING,
    /** TLS is up (or was declined); only the StartupMessage or a CancelRequest may follow. */
    NEGOTIATED,
    /** A packet was emitted or the connection was refused. */
    DONE
  }

  private final PostgresListener listener;
  private final PostgresServices services;
  private final long deadlineNanos;
  private State state;
  private boolean tls;
  private ScheduledFuture<?> timeout;

  StartupDecoder(PostgresListener listener, PostgresServices services) {
    this(
        listener,
        services,
        State.NEGOTIATING,
        System.nanoTime() + listener.startupTimeout().toNanos());
  }

  private StartupDecoder(
      PostgresListener listener, PostgresServices services, State state, long deadlineNanos) {
    this.listener = listener;
    this.services = services;
    this.state = state;
    this.tls = state == State.NEGOTIATED;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout =
        ctx.executor()
            .schedule(
                () ->
                    refuse(
                        ctx,
                        "startup_timeout",
                        SessionFailure.PROTOCOL_VIOLATION,
                        "no startup message within "
                            + listener.startupTimeout().toMillis()
                            + " ms"),
                deadlineNanos - System.nanoTime(),
                TimeUnit.NANOSECONDS);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    timeout.cancel(false);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (state == State.DONE) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (state == State.NEGOTIATING && in.getByte(in.readerIndex()) == TLS_HANDSHAKE) {
      directTls(ctx, in);
      return;
    }
    if (in.readableBytes() < 4) {
      return;
    }
    int length = in.getInt(in.readerIndex());
    if (length < 8 || length > PgWire.MAX_STARTUP_LENGTH) {
      in.skipBytes(in.readableBytes());
      refuse(
          ctx,
          "malformed_startup",
          SessionFailure.PROTOCOL_VIOLATION,
          "invalid startup packet length " + length);
      return;
    }
    if (in.readableBytes() < length) {
      return;
    }
    ByteBuf packet = in.readSlice(length).skipBytes(4);
    int code = packet.readInt();
    switch (code) {
      case PgWire.SSL_REQUEST -> sslRequest(ctx, length, in);
      case PgWire.GSSENC_REQUEST -> gssEncRequest(ctx, length, in);
      case PgWire.CANCEL_REQUEST -> cancel(ctx, packet, length, out);
      case PgWire.PROTOCOL_3_0 -> startup(ctx, packet, out);
      default ->
          refuse(
              ctx,
              "unsupported_protocol",
              SessionFailure.FEATURE_NOT_SUPPORTED,
              "unsupported frontend protocol "
                  + (code >>> 16)
                  + "."
                  + (code & 0xffff)
                  + ": the listener speaks protocol 3.0");
    }
  }

  private void sslRequest(ChannelHandlerContext ctx, int length, ByteBuf in) {
    if (length != 8 || state != State.NEGOTIATING) {
      refuse(ctx, "malformed_startup", SessionFailure.PROTOCOL_VIOLATION, "unexpected SSLRequest");
      return;
    }
    if (pipelined(ctx, in, "SSLRequest")) {
      return;
    }
    state = State.NEGOTIATED;
    if (listener.clientTls() == ClientTls.DISABLE) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}));
      return;
    }
    // 'S' must leave before the TLS handler is in the pipeline, or it would be encrypted.
    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'S'}));
    ctx.pipeline().addBefore(ctx.name(), "tls", services.clientTls().newHandler(ctx.alloc()));
    tls = true;
  }

  private void gssEncRequest(ChannelHandlerContext ctx, int length, ByteBuf in) {
    if (length != 8 || state != State.NEGOTIATING) {
      refuse(
          ctx, "malformed_startup", SessionFailure.PROTOCOL_VIOLATION, "unexpected GSSENCRequest");
      return;
    }
    if (pipelined(ctx, in, "GSSENCRequest")) {
      return;
    }
    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}));
  }

  /**
   * Refuses bytes that came before the client could have read the answer to its request. Read after
   * an 'S' they would pass for data from inside TLS, while anyone on the path could have written
   * them (CVE-2021-23214); PostgreSQL refuses them after an 'N' as well.
   */
  private boolean pipelined(ChannelHandlerContext ctx, ByteBuf in, String request) {
    if (!in.isReadable()) {
      return false;
    }
    in.skipBytes(in.readableBytes());
    refuse(
        ctx,
        "unencrypted_data_after_request",
        SessionFailure.PROTOCOL_VIOLATION,
        "received unencrypted data after the " + request + ", before its answer");
    return true;
  }

  /** PostgreSQL 17's {@code sslnegotiation=direct}: the first bytes are already a TLS hello. */
  private void directTls(ChannelHandlerContext ctx, ByteBuf in) {
    if (listener.clientTls() == ClientTls.DISABLE) {
      // A TLS client cannot read an ErrorResponse; closing at once is the clean failure.
      in.skipBytes(in.readableBytes());
      state = State.DONE;
      failed("direct_tls_refused", SessionFailure.PROTOCOL_VIOLATION);
      ctx.close();
      return;
    }
    // The hello stays unread: replacing a decoder hands its buffered bytes to its replacement.
    state = State.DONE;
    ctx.pipeline()
        .addAfter(
            ctx.name(),
            "startup-tls",
            new StartupDecoder(listener, services, State.NEGOTIATED, deadlineNanos));
    ctx.pipeline().replace(this, "tls", services.clientTls().newHandler(ctx.alloc()));
  }

  private void cancel(ChannelHandlerContext ctx, ByteBuf packet, int length, List<Object> out) {
    if (length != 16) {
      refuse(ctx, "malformed_startup", SessionFailure.PROTOCOL_VIOLATION, "invalid CancelRequest");
      return;
    }
    out.add(new StartupPacket.Cancel(packet.readInt(), packet.readInt()));
    done(ctx);
  }

  private void startup(ChannelHandlerContext ctx, ByteBuf packet, List<Object> out) {
    if (!tls && listener.clientTls() == ClientTls.REQUIRE) {
      refuse(
          ctx,
          "client_tls_required",
          SessionFailure.INVALID_AUTHORIZATION,
          "this listener requires TLS (connect with sslmode=require or stronger)");
      return;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    try {
      for (String name = PgWire.readCString(packet);
          !name.isEmpty();
          name = PgWire.readCString(packet)) {
        parameters.put(name, PgWire.readCString(packet));
      }
    } catch (IllegalArgumentException e) {
      refuse(
          ctx,
          "malformed_startup",
          SessionFailure.PROTOCOL_VIOLATION,
          "invalid startup packet: " + e.getMessage());
      return;
    }
    out.add(new StartupPacket.Startup(parameters, tls));
    done(ctx);
  }

  private void done(ChannelHandlerContext ctx) {
    state = State.DONE;
    ctx.pipeline().remove(this);
  }

  private void refuse(ChannelHandlerContext ctx, String reason, String sqlState, String message) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    failed(reason, sqlState);
    ctx.writeAndFlush(
            PgWire.errorResponse(
                ctx.alloc(), sqlState, "keyrelay listener \"" + listener.name() + "\": " + message))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void failed(String reason, String sqlState) {
    services.metrics().failed(listener.name(), reason);
    services
        .audit()
        .record(
            new SessionEvent(
                listener.name(),
                listener.upstream().host() + ":" + listener.upstream().port(),
                null,
                null,
                reason,
                sqlState,
                0,
                0,
                0));
  }
}

package dev.keyrelay.sidecar.postgres;

import com.ongres.scram.common.exception.ScramException;
import dev.keyrelay.sidecar.transport.RootCause;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Logs in to the upstream with the real password in whatever way the server asks (SCRAM-SHA-256,
 * MD5, cleartext), then passes the server's greeting (ParameterStatus, BackendKeyData, ...) to the
 * client and, at the first ReadyForQuery, turns the session into a relay.
 */
final class UpstreamAuthHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "upstream-auth";

  private final Session session;
  private final String password;
  private final byte[] channelBinding;
  private String method = "trust";
  private ScramExchange scram;
  private boolean authenticated;

  UpstreamAuthHandler(Session session, String password, byte[] channelBindingOrNull) {
    this.session = session;
    this.password = password;
    this.channelBinding = channelBindingOrNull;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    byte type = frame.getByte(frame.readerIndex());
    if (authenticated && type != PgWire.ERROR_RESPONSE) {
      greeting(type, frame);
      return;
    }
    try {
      ByteBuf body = frame.skipBytes(5);
      switch (type) {
        case PgWire.AUTHENTICATION -> authentication(ctx, body);
        case PgWire.ERROR_RESPONSE -> refused(PgWire.readFields(body));
        case 'N', 'v' -> {} // notices and protocol negotiation do not change the login
        default -> protocolError("an unexpected message '" + (char) type + "' during login");
      }
    } catch (ScramException | RuntimeException e) {
      failAuth("SCRAM exchange failed: " + RootCause.message(e));
    } finally {
      frame.release();
    }
  }

  private void authentication(ChannelHandlerContext ctx, ByteBuf body) throws ScramException {
    int code = body.readInt();
    switch (code) {
      case PgWire.AUTH_OK -> {
        authenticated = true;
        session.upstreamAuthenticated(method);
      }
      case PgWire.AUTH_CLEARTEXT -> {
        method = "password";
        ctx.writeAndFlush(PgWire.passwordMessage(ctx.alloc(), password));
      }
      case PgWire.AUTH_MD5 -> {
        method = "md5";
        byte[] salt = new byte[4];
        body.readBytes(salt);
        ctx.writeAndFlush(
            PgWire.passwordMessage(
                ctx.alloc(), Md5Password.encode(session.loginUser(), password, salt)));
      }
      case PgWire.AUTH_SASL -> {
        List<String> offered = new ArrayList<>();
        for (String name = PgWire.readCString(body);
            !name.isEmpty();
            name = PgWire.readCString(body)) {
          offered.add(name);
        }
        scram = new ScramExchange(offered, password, channelBinding);
        method = scram.mechanism();
        ctx.writeAndFlush(PgWire.saslInitialResponse(ctx.alloc(), method, scram.clientFirst()));
      }
      case PgWire.AUTH_SASL_CONTINUE -> clientFinal(ctx, body.toString(StandardCharsets.UTF_8));
      case PgWire.AUTH_SASL_FINAL -> {
        if (scram == null) {
          protocolError("SASL final without a SASL exchange");
          return;
        }
        scram.serverFinal(body.toString(StandardCharsets.UTF_8));
      }
      default -> failAuth("the server asks for authentication method " + code + ", not supported");
    }
  }

  /** The client-final message; PBKDF2 for a salt not seen before runs off the event loop. */
  private void clientFinal(ChannelHandlerContext ctx, String serverFirst) throws ScramException {
    if (scram == null) {
      protocolError("SASL continue without a SASL exchange");
      return;
    }
    ScramKeys keys = session.services.scramKeys();
    if (!scram.needsDerivation(serverFirst, keys)) {
      ctx.writeAndFlush(PgWire.saslResponse(ctx.alloc(), scram.clientFinal(serverFirst, keys)));
      return;
    }
    CompletableFuture.supplyAsync(
            () -> {
              try {
                return scram.clientFinal(serverFirst, keys);
              } catch (ScramException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
              }
            },
            session.services.blocking())
        .whenCompleteAsync(
            (message, error) -> {
              if (error != null) {
                failAuth("SCRAM exchange failed: " + RootCause.message(error));
              } else {
                ctx.writeAndFlush(PgWire.saslResponse(ctx.alloc(), message));
              }
            },
            ctx.executor());
  }

  /**
   * After AuthenticationOk everything but an error goes to the client as is; BackendKeyData is
   * noted for cancels. An error here (such as a missing database) still fails the session.
   */
  private void greeting(byte type, ByteBuf frame) {
    if (type == PgWire.BACKEND_KEY_DATA && frame.readableBytes() == 13) {
      session.backendKey(
          frame.getInt(frame.readerIndex() + 5), frame.getInt(frame.readerIndex() + 9));
    }
    session.client.write(frame);
    if (type == PgWire.READY_FOR_QUERY) {
      session.startRelay(NAME);
    }
  }

  private void refused(Map<Character, String> fields) {
    String sqlState = fields.getOrDefault('C', SessionFailure.INVALID_PASSWORD);
    String message = fields.getOrDefault('M', "no message");
    String reason = sqlState.startsWith("28") ? "upstream_auth" : "upstream_refused";
    session.fail(
        new SessionFailure(
            reason,
            sqlState,
            session.describe("the upstream server refused the login: " + message)));
  }

  private void failAuth(String why) {
    session.fail(
        new SessionFailure(
            "upstream_auth", SessionFailure.INVALID_PASSWORD, session.describe(why)));
  }

  private void protocolError(String what) {
    session.fail(
        new SessionFailure(
            "upstream_protocol",
            SessionFailure.PROTOCOL_VIOLATION,
            session.describe("the upstream server sent " + what)));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    session.upstreamFailed(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    session.upstreamClosed("login");
  }
}

package dev.keyrelay.sidecar.postgres;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Splits the upstream's byte stream into whole backend messages (type byte, length, body) while the
 * sidecar logs in; afterwards the relay copies bytes without framing.
 */
final class PgFrameDecoder extends ByteToMessageDecoder {

  /** No login-phase message comes near this; a larger one means a confused or hostile peer. */
  static final int MAX_MESSAGE = 1 << 20;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 5) {
      return;
    }
    int length = in.getInt(in.readerIndex() + 1);
    if (length < 4 || length > MAX_MESSAGE) {
      in.skipBytes(in.readableBytes());
      throw new CorruptedFrameException("backend message length " + length + " is out of range");
    }
    if (in.readableBytes() < 1 + length) {
      return;
    }
    out.add(in.readRetainedSlice(1 + length));
  }
}

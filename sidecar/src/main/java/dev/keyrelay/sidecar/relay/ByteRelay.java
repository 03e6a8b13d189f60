package dev.keyrelay.sidecar.relay;

import dev.keyrelay.sidecar.scrub.StreamScrubber;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.LongConsumer;

/**
 * Copies the bytes of a blind tunnel or a database session from its channel to the peer, unchanged.
 * Backpressure by writability: when the peer's outbound buffer passes its high-water mark this side
 * stops reading, and it resumes when the peer has drained. Unlike reading once per completed write,
 * a busy connection keeps its read interest registered, which saves two epoll_ctl calls per message
 * each way.
 */
public final class ByteRelay extends ChannelInboundHandlerAdapter {

  private final Channel peer;
  private final LongConsumer counter;
  private final StreamScrubber scrubber;

  public ByteRelay(Channel peer, LongConsumer counter) {
    this(peer, counter, null);
  }

  /**
   * A relay that scrubs a secret out of the bytes it copies (a routed WebSocket's upstream frames:
   * the proxy removed the compression extension from the handshake, so payloads are plain).
   *
   * @param scrubber null to copy bytes unchanged
   */
  public ByteRelay(Channel peer, LongConsumer counter, StreamScrubber scrubber) {
    this.peer = peer;
    this.counter = counter;
    this.scrubber = scrubber;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Object out = msg;
    if (msg instanceof ByteBuf buf) {
      counter.accept(buf.readableBytes());
      if (scrubber != null) {
        out = scrubber.scrub(buf, false, ctx.alloc());
      }
    }
    peer.write(out).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    if (!peer.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
  }

  /** This channel drained below its low-water mark: the peer, which writes into it, may read on. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      peer.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // What the scrubber still held could only have been the start of a secret; now it is not.
    ByteBuf rest =
        scrubber == null
            ? Unpooled.EMPTY_BUFFER
            : scrubber.scrub(Unpooled.EMPTY_BUFFER, true, ctx.alloc());
    if (peer.isActive()) {
      peer.writeAndFlush(rest).addListener(ChannelFutureListener.CLOSE);
    } else {
      rest.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}

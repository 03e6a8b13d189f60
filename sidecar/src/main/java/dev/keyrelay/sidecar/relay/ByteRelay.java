package dev.keyrelay.sidecar.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.LongConsumer;

/**
 * Copies the bytes of a blind tunnel or a database session from its channel to the peer,
 * unchanged. Backpressure by writability: when the peer's outbound buffer passes its high-water
 * mark this side stops reading, and it resumes when the peer has drained. Unlike reading once per
 * completed write, a busy connection keeps its read interest registered, which saves two epoll_ctl
 * calls per message each way.
 */
public final class ByteRelay extends ChannelInboundHandlerAdapter {

  private final Channel peer;
  private final LongConsumer counter;

  public ByteRelay(Channel peer, LongConsumer counter) {
    this.peer = peer;
    this.counter = counter;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      counter.accept(buf.readableBytes());
    }
    peer.write(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
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
    if (peer.isActive()) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}

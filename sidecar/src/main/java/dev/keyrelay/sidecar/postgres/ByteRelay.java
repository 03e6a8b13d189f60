package dev.keyrelay.sidecar.postgres;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.LongConsumer;

/**
 * Copies a session's bytes from its channel to the peer, unchanged. Auto-read is off: the next read
 * happens only after the previous write went out, so a slow side slows the other down.
 */
final class ByteRelay extends ChannelInboundHandlerAdapter {

  private final Channel peer;
  private final LongConsumer counter;

  ByteRelay(Channel peer, LongConsumer counter) {
    this.peer = peer;
    this.counter = counter;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      counter.accept(buf.readableBytes());
    }
    peer.writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (written.isSuccess()) {
                    ctx.channel().read();
                  } else {
                    ctx.close();
                  }
                });
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

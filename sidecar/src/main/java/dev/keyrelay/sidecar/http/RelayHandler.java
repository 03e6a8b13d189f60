package dev.keyrelay.sidecar.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Copies bytes from its channel to the peer channel of a blind tunnel. Auto-read is off: the next
 * read happens only after the previous write went out, so a slow side slows the other down.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

  private final Channel peer;
  private final TunnelStats stats;
  private final boolean fromClient;

  RelayHandler(Channel peer, TunnelStats stats, boolean fromClient) {
    this.peer = peer;
    this.stats = stats;
    this.fromClient = fromClient;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      stats.transferred(fromClient, buf.readableBytes());
    }
    peer.writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (written.isSuccess()) {
                    ctx.channel().read();
                  } else {
                    written.channel().close();
                  }
                });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stats.closed();
    if (peer.isActive()) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}

package dev.keyrelay.sidecar.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a pooled upstream connection: passes events to the exchange that holds the
 * connection, and closes the connection when it sits idle in the pool.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

  private UpstreamListener listener;

  void bind(UpstreamListener listener) {
    this.listener = listener;
  }

  void unbind() {
    this.listener = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (listener != null && msg instanceof HttpObject http) {
      listener.onResponse(http);
    } else {
      // Bytes outside an exchange (a server talking out of turn) make the connection unusable.
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (listener != null && ctx.channel().isWritable()) {
      listener.onWritable();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent idle) {
      if (listener == null && idle.state() == IdleState.ALL_IDLE) {
        ctx.close();
      } else if (listener != null && idle.state() == IdleState.READER_IDLE) {
        listener.onTimeout();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamListener current = listener;
    listener = null;
    if (current != null) {
      current.onClosed(null);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamListener current = listener;
    listener = null;
    ctx.close();
    if (current != null) {
      current.onClosed(cause);
    }
  }
}

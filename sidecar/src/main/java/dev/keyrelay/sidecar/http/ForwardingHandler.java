package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.upstream.UpstreamKey;
import dev.keyrelay.sidecar.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Forwards the HTTP exchanges of one client connection, one {@link Exchange} at a time: queues what
 * the client sends while an exchange is being prepared, feeds body parts to the exchange that
 * streams them, and reads from the client only while there is room, so a slow upstream slows the
 * client down instead of filling memory. What one read of the client's brings (a request head and
 * its body, or several body parts) goes upstream in one flush, at the end of that read.
 */
final class ForwardingHandler extends ChannelInboundHandlerAdapter implements Exchange.Owner {

  // Messages queued while an exchange is being prepared; a request body stops being read past it.
  private static final int MAX_QUEUED = 16;

  private final ProxyServices services;
  private final TargetSelector targets;
  private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Exchange exchange;
  private boolean closing;
  private Channel keptUpstream;
  private UpstreamKey keptKey;
  // Inside channelRead: what the exchange writes upstream is flushed when the read ends.
  private boolean reading;
  // A flush of the upstream is owed to the end of the client's current read.
  private boolean flushOwed;
  // The end of a read is channelReadComplete, but a handler may deliver a message from a task with
  // none after it (SslHandler does, for data that came with the end of a handshake): this task
  // pays the owed flush then, at the latest once the event loop has done its current I/O.
  private final Runnable owedFlush = this::payOwedFlush;

  ForwardingHandler(ProxyServices services, TargetSelector targets) {
    this.services = services;
    this.targets = targets;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpObject http && !closing) {
      pending.add(http);
      reading = true;
      try {
        drain();
      } finally {
        reading = false;
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    payOwedFlush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Channel upstream = exchange == null ? null : exchange.upstream();
    if (upstream != null && ctx.channel().isWritable()) {
      upstream.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    releasePending();
    releaseKept();
    if (exchange != null) {
      exchange.abandon();
      exchange = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Moves queued client messages forward as far as the current exchange allows. */
  @Override
  public void drain() {
    while (!pending.isEmpty() && !closing) {
      if (exchange == null) {
        HttpObject next = pending.poll();
        if (next instanceof HttpRequest request) {
          exchange = new Exchange(ctx, services, targets, request, this);
          exchange.begin();
        } else {
          ReferenceCountUtil.release(next);
        }
      } else if (exchange.streaming()) {
        exchange.forward((HttpContent) pending.poll());
      } else {
        break;
      }
    }
    if (exchange != null) {
      flushUpstream();
    }
    updateAutoRead();
  }

  /**
   * Flushes what the exchange wrote upstream now, or at the end of the client's read inside one.
   */
  private void flushUpstream() {
    if (!reading) {
      exchange.flushUpstream();
    } else if (!flushOwed) {
      flushOwed = true;
      ctx.executor().execute(owedFlush);
    }
  }

  private void payOwedFlush() {
    if (flushOwed) {
      flushOwed = false;
      if (exchange != null) {
        exchange.flushUpstream();
      }
    }
  }

  /**
   * Keeps reading while the queue is short: toggling auto-read costs a system call each time, and a
   * keep-alive client sends its next request only after its response anyway.
   */
  @Override
  public void updateAutoRead() {
    Channel upstream = exchange == null ? null : exchange.upstream();
    boolean upstreamFull = upstream != null && !upstream.isWritable();
    boolean read = !closing && !upstreamFull && pending.size() < MAX_QUEUED;
    if (ctx.channel().config().isAutoRead() != read) {
      ctx.channel().config().setAutoRead(read);
    }
  }

  @Override
  public void completed() {
    exchange = null;
    drain();
  }

  @Override
  public void ended() {
    exchange = null;
    closing = true;
    releasePending();
    releaseKept();
  }

  @Override
  public void keep(Channel upstream, UpstreamKey key) {
    releaseKept();
    UpstreamPool.idle(upstream);
    keptUpstream = upstream;
    keptKey = key;
  }

  @Override
  public Channel kept(UpstreamKey key) {
    Channel kept = keptUpstream;
    if (kept == null) {
      return null;
    }
    if (kept.isActive() && (keptKey == key || keptKey.equals(key))) {
      keptUpstream = null;
      return kept;
    }
    releaseKept();
    return null;
  }

  /** Hands the kept upstream connection back to its pool, which drops it if it closed. */
  private void releaseKept() {
    if (keptUpstream != null) {
      services.upstreams().release(keptUpstream);
      keptUpstream = null;
    }
  }

  private void releasePending() {
    HttpObject msg;
    while ((msg = pending.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}

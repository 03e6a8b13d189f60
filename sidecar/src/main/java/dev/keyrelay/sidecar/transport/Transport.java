package dev.keyrelay.sidecar.transport;

import dev.keyrelay.sidecar.config.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.util.function.Consumer;

/** The Netty transport in use: native epoll on Linux, NIO elsewhere. */
public record Transport(
    IoHandlerFactory ioHandlers,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel) {

  public static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport(
          EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
    }
    return new Transport(
        NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
  }

  public EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, ioHandlers);
  }

  /**
   * Binds a TCP listener whose accepted connections {@code pipeline} sets up; blocks until bound,
   * so never call it on an event loop.
   */
  public Channel bind(
      HostPort listen,
      EventLoopGroup boss,
      EventLoopGroup workers,
      Consumer<ChannelPipeline> pipeline)
      throws ListenException {
    ChannelFuture bound =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(serverChannel)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    pipeline.accept(ch.pipeline());
                  }
                })
            .bind(listen.host(), listen.port())
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      // Netty's message names no address; the operator needs to know which listener failed.
      throw new ListenException(listen, bound.cause());
    }
    return bound.channel();
  }

  /** A listener that could not be bound, naming its address. */
  public static final class ListenException extends IOException {
    private static final long serialVersionUID = 1L;

    ListenException(HostPort listen, Throwable cause) {
      super("cannot listen on " + listen + ": " + RootCause.message(cause), cause);
    }
  }
}

package dev.keyrelay.sidecar.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.tls.UpstreamTlsContexts;
import dev.keyrelay.sidecar.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool map stays bounded: an agent calling very many hosts must not grow the sidecar. */
class UpstreamPoolTest {

  private final Transport transport = Transport.best();
  private final List<ServerSocket> servers = new ArrayList<>();
  private final List<Socket> accepted = new ArrayList<>();
  private EventLoopGroup group;
  private EventLoop loop;
  private UpstreamPool upstreams;

  @BeforeEach
  void start() {
    group = transport.newGroup(1);
    loop = group.next();
    upstreams =
        new UpstreamPool(
            transport, new UpstreamTlsContexts(), Duration.ofSeconds(5), Duration.ofSeconds(30), 2);
  }

  @AfterEach
  void stop() throws IOException {
    upstreams.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    for (Socket s : accepted) {
      s.close();
    }
    for (ServerSocket s : servers) {
      s.close();
    }
  }

  @Test
  void dropsTheLeastRecentlyUsedPoolAndClosesItsIdleConnection() throws Exception {
    Channel first = acquire(server());
    release(first);
    release(acquire(server()));
    assertThat(first.isActive()).as("idle in its pool").isTrue();

    release(acquire(server()));

    assertThat(first.closeFuture().await(5, TimeUnit.SECONDS)).as("closed with its pool").isTrue();
    assertThat(loop.submit(() -> upstreams.poolCount(loop)).get()).isEqualTo(2);
  }

  @Test
  void aConnectionWhosePoolWasDroppedWhileInUseIsClosedOnRelease() throws Exception {
    UpstreamKey busy = server();
    Channel inUse = acquire(busy);
    release(acquire(server()));
    release(acquire(server()));

    release(inUse);

    assertThat(inUse.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
    Channel fresh = acquire(busy);
    assertThat(fresh).isNotSameAs(inUse);
    assertThat(fresh.isActive()).isTrue();
  }

  /** A plain TCP server that accepts and holds connections, as the key of a plain-HTTP upstream. */
  private UpstreamKey server() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    servers.add(server);
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  Socket socket = server.accept();
                  synchronized (accepted) {
                    accepted.add(socket);
                  }
                }
              } catch (IOException closed) {
                // the test is over
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    InetSocketAddress address =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    return new UpstreamKey("localhost", server.getLocalPort(), false, null, address);
  }

  private Channel acquire(UpstreamKey key) throws Exception {
    return loop.submit(() -> upstreams.acquire(loop, key)).get().get(5, TimeUnit.SECONDS);
  }

  private void release(Channel channel) throws Exception {
    loop.submit(() -> upstreams.release(channel)).get();
  }
}

package dev.keyrelay.operator.apiserver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kube-proxy stand-in: the API server sends its calls to Services (webhooks) as HTTP CONNECT
 * requests for the Service's cluster IP to the Unix socket named in its egress-selector config
 * ({@code hack/kube-apiserver.sh}), and this forwards each to one of the loopback ports a test
 * registered for that address, round robin, as kube-proxy would to a Service's endpoints. Endpoints
 * may not hold loopback addresses, so a real Service cannot point at a process of the test; this is
 * the only piece of the path that is not the real one, and TLS runs end to end through it.
 */
public final class ServiceProxy implements AutoCloseable {

  private final ServerSocketChannel server;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final Map<String, List<Integer>> backends = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  private final Set<Tunnel> open = ConcurrentHashMap.newKeySet();

  /** An established connection through the proxy to a loopback port. */
  private record Tunnel(int port, SocketChannel client) {}

  private ServiceProxy(ServerSocketChannel server) {
    this.server = server;
  }

  static ServiceProxy listen(Path socket) {
    try {
      Files.deleteIfExists(socket);
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      ServiceProxy proxy = new ServiceProxy(server);
      proxy.threads.execute(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends connections for {@code clusterIp:port} to these loopback ports; an empty list makes the
   * Service unreachable (502), as one without ready endpoints. Open connections to a port no longer
   * listed are closed, as they would be with the endpoint's process gone: the API server keeps its
   * connections to a webhook alive between calls.
   */
  public void forward(String clusterIp, int port, List<Integer> localPorts) {
    backends.put(clusterIp + ":" + port, List.copyOf(localPorts));
    Set<Integer> served = new HashSet<>();
    backends.values().forEach(served::addAll);
    for (Tunnel tunnel : open) {
      if (!served.contains(tunnel.port())) {
        try {
          tunnel.client().close();
        } catch (IOException e) {
          // closed already
        }
      }
    }
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(SocketChannel client) {
    try (client) {
      String[] words = readHead(client).split(" ");
      List<Integer> ports =
          words.length > 1 && words[0].equals("CONNECT") ? backends.get(words[1]) : null;
      int backend =
          ports == null || ports.isEmpty()
              ? -1
              : ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
      SocketChannel upstream = backend < 0 ? null : connect(backend);
      if (upstream == null) {
        write(client, "HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
      }
      Tunnel tunnel = new Tunnel(backend, client);
      open.add(tunnel);
      try (upstream) {
        write(client, "HTTP/1.1 200 Connection established\r\n\r\n");
        threads.execute(() -> pump(client, upstream));
        pump(upstream, client);
      } finally {
        open.remove(tunnel);
      }
    } catch (IOException e) {
      // the API server or the backend went away; it retries or reports the failure itself
    }
  }

  private static SocketChannel connect(int port) {
    try {
      return SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Copies until end of stream, then shuts the other side's output. Channels, not streams: a
   * channel reads and writes concurrently, while JDK 17's channel streams share one lock.
   */
  private static void pump(SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
    } catch (IOException e) {
      // the other direction closed the connection
    } finally {
      try {
        to.shutdownOutput();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  private static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  /**
   * The request line of the CONNECT head, read byte by byte so that nothing after the head (the TLS
   * hello) is consumed; the rest of the head is dropped.
   */
  private static String readHead(SocketChannel in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length && head.size() < 8192) {
      one.clear();
      if (in.read(one) < 0) {
        throw new IOException("connection closed in the CONNECT head");
      }
      byte b = one.get(0);
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    return text.substring(0, Math.max(0, text.indexOf("\r\n")));
  }

  private static ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "service-proxy");
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}

package dev.keyrelay.sidecar.http;

import dev.keyrelay.contract.HostMatch;
import dev.keyrelay.sidecar.audit.AuditLog;
import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.SecretsSettings;
import dev.keyrelay.sidecar.policy.RouteLimiters;
import dev.keyrelay.sidecar.policy.RoutePolicy;
import dev.keyrelay.sidecar.scrub.Scrubbing;
import dev.keyrelay.sidecar.secrets.SecretResolver;
import dev.keyrelay.sidecar.testing.ParsingUpstream;
import dev.keyrelay.sidecar.transport.Transport;
import dev.keyrelay.sidecar.upstream.HostResolver;
import dev.keyrelay.sidecar.upstream.UpstreamKey;
import dev.keyrelay.sidecar.upstream.UpstreamPool;
import dev.keyrelay.sidecar.upstream.Upstreams;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The HTTP/1.1 path of one intercepted tunnel without sockets or TLS: the agent's decrypted bytes
 * go into the real codec and {@link ForwardingHandler}, and what would be written to upstream
 * connections comes out as bytes, parsed by the strict parser of {@link ParsingUpstream}. Each
 * upstream request parsed is answered 200, so pipelined and keep-alive requests move on.
 */
final class EmbeddedTunnel implements AutoCloseable {

  static final String HOST = "api.test";
  static final String SECRET = "sk-embedded-real-7d1c9e";

  /**
   * What the agent's bytes so far led to. {@code completedAgentRequests} counts requests whose last
   * part arrived or whose decoding failed; {@code cleanAgentRequests} those of them that decoded
   * cleanly before the first decoding failure of the connection; {@code upstreamFlushes} counts the
   * flushes that reached the upstream connections' transport, where TLS would wrap a record.
   */
  record Outcome(
      int agentRequests,
      int completedAgentRequests,
      int cleanAgentRequests,
      List<ParsingUpstream.Parsed> upstreamRequests,
      List<byte[]> upstreamBytes,
      int truncatedUpstreams,
      int upstreamFlushes,
      int released,
      int discarded,
      String agentReceived) {}

  private final Route route;
  private final EmbeddedChannel agent;
  private final EmbeddedUpstreams upstreams = new EmbeddedUpstreams();
  private int agentRequests;
  private int completedAgentRequests;
  private int cleanAgentRequests;
  private boolean insideRequest;
  private boolean decodingFailed;

  EmbeddedTunnel(Path dir, RouteAuth auth) throws IOException {
    Path secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    route = route(auth, new SecretRef.File(secretFile));
    HostResolver resolver = loopbackResolver();
    ProxyServices services = services(dir, route, resolver, upstreams);
    agent =
        new EmbeddedChannel(
            ProxyCodecs.serverCodec(),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpObject http) {
                  count(http);
                }
                ctx.fireChannelRead(msg);
              }
            },
            new ForwardingHandler(services, new InterceptedTargets(route, HOST, 443, resolver)));
  }

  /** The route "api" for {@link #HOST}: HTTPS only, scrubbed, no request rules. */
  static Route route(RouteAuth auth, SecretRef secret) {
    return new Route(
        "api", new HostMatch(HOST, null), null, auth, secret, false, true, RoutePolicy.OPEN);
  }

  /** A resolver that answers loopback for every name, without DNS. */
  static HostResolver loopbackResolver() {
    return new HostResolver(
        Runnable::run, host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
  }

  /** The proxy's services with one route, secrets read inline and the given upstreams. */
  static ProxyServices services(Path dir, Route route, HostResolver resolver, Upstreams upstreams) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    return new ProxyServices(
        new AtomicReference<>(new ProxyState(new RouteTable(List.of(route)), null)),
        Transport.best(),
        resolver,
        new SecretResolver(
            Runnable::run,
            registry,
            new SecretsSettings(dir, Duration.ofSeconds(30), Duration.ofMinutes(5)),
            null),
        null,
        upstreams,
        new ProxyMetrics(registry),
        new AuditLog(),
        new Scrubbing(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        new RouteLimiters(),
        Runnable::run);
  }

  private void count(HttpObject http) {
    if (http instanceof HttpRequest) {
      agentRequests++;
      insideRequest = true;
    }
    boolean failed = http.decoderResult().isFailure();
    decodingFailed |= failed;
    if (insideRequest && (failed || http instanceof LastHttpContent)) {
      insideRequest = false;
      completedAgentRequests++;
      if (!decodingFailed) {
        cleanAgentRequests++;
      }
    }
  }

  /** Sends the agent's bytes and runs both sides until nothing moves any more. */
  Outcome agentSends(byte[] raw) {
    if (agent.isActive()) {
      agent.writeInbound(Unpooled.wrappedBuffer(raw));
    }
    return settle();
  }

  /**
   * Sends the agent's bytes as a message delivered from a task would arrive: read, with no end of
   * the read after it.
   */
  Outcome agentSendsWithoutReadComplete(String raw) {
    agent.pipeline().fireChannelRead(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    return settle();
  }

  /** The agent closes its side of the tunnel. */
  Outcome agentCloses() {
    agent.close();
    return settle();
  }

  private Outcome settle() {
    boolean moved = true;
    while (moved) {
      agent.runPendingTasks();
      moved = upstreams.answerCompleteRequests();
    }
    return new Outcome(
        agentRequests,
        completedAgentRequests,
        cleanAgentRequests,
        upstreams.parsed(),
        upstreams.bytes(),
        upstreams.truncated(),
        upstreams.flushes,
        upstreams.released,
        upstreams.discarded,
        drain(agent));
  }

  /** Rethrows an exception that reached the end of the agent's or an upstream's pipeline. */
  void rethrowUnhandled() {
    agent.checkException();
    upstreams.opened.forEach(EmbeddedChannel::checkException);
  }

  Outcome agentSends(String raw) {
    return agentSends(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Every upstream connection is closed by its server, as an idle keep-alive connection is. */
  void upstreamsClose() {
    upstreams.opened.forEach(EmbeddedChannel::close);
  }

  boolean agentConnectionOpen() {
    return agent.isActive();
  }

  private static String drain(EmbeddedChannel channel) {
    StringBuilder out = new StringBuilder();
    for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) msg;
      out.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return out.toString();
  }

  @Override
  public void close() {
    agent.finishAndReleaseAll();
    upstreams.closeAll();
  }

  /** Upstream connections as embedded channels with the real upstream handlers. */
  private static final class EmbeddedUpstreams implements Upstreams {

    private final Map<EmbeddedChannel, ByteArrayOutputStream> written = new IdentityHashMap<>();
    private final Map<EmbeddedChannel, Integer> answered = new IdentityHashMap<>();
    private final ArrayDeque<EmbeddedChannel> idle = new ArrayDeque<>();
    private final List<EmbeddedChannel> opened = new ArrayList<>();
    int released;
    int discarded;
    int flushes;

    @Override
    public Future<Channel> acquire(EventLoop loop, UpstreamKey key) {
      EmbeddedChannel channel = idle.poll();
      if (channel == null) {
        channel = new EmbeddedChannel();
        channel
            .pipeline()
            .addLast(
                new ChannelOutboundHandlerAdapter() {
                  @Override
                  public void flush(ChannelHandlerContext ctx) {
                    flushes++;
                    ctx.flush();
                  }
                });
        UpstreamPool.addHttpHandlers(channel.pipeline(), Duration.ofSeconds(30));
        opened.add(channel);
        written.put(channel, new ByteArrayOutputStream());
        answered.put(channel, 0);
      }
      return loop.newSucceededFuture(channel);
    }

    @Override
    public void release(Channel channel) {
      UpstreamPool.unbind(channel);
      released++;
      // Netty's pool checks health on release too: a closed connection is dropped.
      if (channel.isActive()) {
        idle.add((EmbeddedChannel) channel);
      }
    }

    @Override
    public void discard(Channel channel) {
      UpstreamPool.unbind(channel);
      discarded++;
      channel.close();
    }

    /** Collects written bytes and answers each newly complete request; true when any was. */
    boolean answerCompleteRequests() {
      boolean moved = false;
      for (EmbeddedChannel channel : opened) {
        collect(channel);
        List<ParsingUpstream.Parsed> complete = parse(channel);
        for (int n = answered.get(channel); n < complete.size() && channel.isActive(); n++) {
          String body = complete.get(n).method().equals("HEAD") ? "" : "ok";
          channel.writeInbound(
              Unpooled.copiedBuffer(
                  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n" + body,
                  StandardCharsets.US_ASCII));
          answered.put(channel, n + 1);
          moved = true;
        }
      }
      return moved;
    }

    /** Everything written to each upstream connection, in the order they were opened. */
    List<byte[]> bytes() {
      opened.forEach(this::collect);
      return opened.stream().map(channel -> written.get(channel).toByteArray()).toList();
    }

    List<ParsingUpstream.Parsed> parsed() {
      List<ParsingUpstream.Parsed> all = new ArrayList<>();
      opened.forEach(channel -> all.addAll(parse(channel)));
      return all;
    }

    /** Connections whose bytes end inside a request. */
    int truncated() {
      int truncated = 0;
      for (EmbeddedChannel channel : opened) {
        try {
          ByteArrayInputStream in = new ByteArrayInputStream(written.get(channel).toByteArray());
          while (ParsingUpstream.read(in, 0) != null) {
            // every complete request is read; what is left decides
          }
        } catch (IOException | RuntimeException incomplete) {
          truncated++;
        }
      }
      return truncated;
    }

    private void collect(EmbeddedChannel channel) {
      for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
        ByteBuf buf = (ByteBuf) msg;
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        written.get(channel).writeBytes(bytes);
      }
    }

    private List<ParsingUpstream.Parsed> parse(EmbeddedChannel channel) {
      int id = opened.indexOf(channel) + 1;
      List<ParsingUpstream.Parsed> requests = new ArrayList<>();
      ByteArrayInputStream in = new ByteArrayInputStream(written.get(channel).toByteArray());
      try {
        for (var r = ParsingUpstream.read(in, id); r != null; r = ParsingUpstream.read(in, id)) {
          requests.add(r);
        }
      } catch (IOException | RuntimeException incomplete) {
        // a request still on its way, or cut off: only complete ones count
      }
      return requests;
    }

    void closeAll() {
      opened.forEach(EmbeddedChannel::finishAndReleaseAll);
    }
  }
}

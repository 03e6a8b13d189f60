package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.audit.AuditLog;
import dev.keyrelay.sidecar.config.HostMatch;
import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.SecretsSettings;
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
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
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

  /** What one run of agent bytes led to. */
  record Outcome(
      int agentRequests,
      List<ParsingUpstream.Parsed> upstreamRequests,
      int truncatedUpstreams,
      int released,
      int discarded,
      String agentReceived) {}

  private final Route route;
  private final EmbeddedChannel agent;
  private final EmbeddedUpstreams upstreams = new EmbeddedUpstreams();
  private int agentRequests;

  EmbeddedTunnel(Path dir, RouteAuth auth) throws IOException {
    Path secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    route = new Route("api", new HostMatch(HOST, null), null, auth, new SecretRef.File(secretFile), false, true);
    HostResolver resolver = loopbackResolver();
    ProxyServices services = services(dir, route, resolver, upstreams);
    agent =
        new EmbeddedChannel(
            ProxyCodecs.serverCodec(),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest) {
                  agentRequests++;
                }
                ctx.fireChannelRead(msg);
              }
            },
            new ForwardingHandler(services, new InterceptedTargets(route, HOST, 443, resolver)));
  }

  /** A resolver that answers loopback for every name, without DNS. */
  static HostResolver loopbackResolver() {
    return new HostResolver(Runnable::run, host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
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
        Duration.ofSeconds(10));
  }

  /** Sends the agent's bytes and runs both sides until nothing moves any more. */
  Outcome agentSends(byte[] raw) {
    if (agent.isActive()) {
      agent.writeInbound(Unpooled.wrappedBuffer(raw));
    }
    boolean moved = true;
    while (moved) {
      agent.runPendingTasks();
      moved = upstreams.answerCompleteRequests();
    }
    return new Outcome(
        agentRequests,
        upstreams.parsed(),
        upstreams.truncated(),
        upstreams.released,
        upstreams.discarded,
        drain(agent));
  }

  Outcome agentSends(String raw) {
    return agentSends(raw.getBytes(StandardCharsets.ISO_8859_1));
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

    @Override
    public Future<Channel> acquire(EventLoop loop, UpstreamKey key) {
      EmbeddedChannel channel = idle.poll();
      if (channel == null) {
        channel = new EmbeddedChannel();
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
      idle.add((EmbeddedChannel) channel);
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
        int complete = parse(channel).size();
        for (int n = answered.get(channel); n < complete && channel.isActive(); n++) {
          channel.writeInbound(
              Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", StandardCharsets.US_ASCII));
          answered.put(channel, n + 1);
          moved = true;
        }
      }
      return moved;
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

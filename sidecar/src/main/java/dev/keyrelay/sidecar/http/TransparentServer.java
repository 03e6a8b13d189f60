package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.config.ProxySettings;
import dev.keyrelay.sidecar.config.TransparentSettings;
import dev.keyrelay.sidecar.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.function.Consumer;

/**
 * The listeners for connections that the pod's enforced-egress rules redirect to the sidecar: the
 * agent's outbound HTTPS, routed by the ClientHello's server name, and its plain HTTP, routed by
 * the Host header. Behind them the proxy's own steps serve the connection, so a routed host gets
 * its credential exactly as through CONNECT, and the audit lines say {@code "via":"transparent"}.
 */
public final class TransparentServer implements AutoCloseable {

  private final Channel https;
  private final Channel http;

  private TransparentServer(Channel https, Channel http) {
    this.https = https;
    this.http = http;
  }

  /** Binds both listeners; blocks until bound (called once at start, not on an event loop). */
  public static TransparentServer bind(
      TransparentSettings settings,
      ProxySettings proxy,
      ProxyServer proxyServer,
      EventLoopGroup boss,
      EventLoopGroup workers,
      ProxyServices proxyServices)
      throws Transport.ListenException {
    ProxyServices services = proxyServices.withAudit(proxyServices.audit().via("transparent"));
    ConnectionLimit limit = proxyServer.limit();
    ClientErrors errors = new ClientErrors(services.metrics());
    Channel https =
        listen(
            services,
            settings.httpsListen(),
            boss,
            workers,
            limit,
            pipeline ->
                pipeline
                    .addLast("idle", idle(proxy, services))
                    .addLast("sni", new TransparentTlsRouter(services))
                    .addLast("errors", errors));
    Channel http;
    try {
      http =
          listen(
              services,
              settings.httpListen(),
              boss,
              workers,
              limit,
              pipeline ->
                  pipeline
                      .addLast("idle", idle(proxy, services))
                      .addLast("http", ProxyCodecs.serverCodec())
                      .addLast("headers", HeaderCountLimit.INSTANCE)
                      .addLast(
                          "head-timeout",
                          new HeadTimeout(proxy.headerTimeout(), services.metrics()))
                      .addLast(
                          "forward",
                          new ForwardingHandler(services, new HostHeaderTargets(services)))
                      .addLast("errors", errors));
    } catch (Transport.ListenException | RuntimeException e) {
      https.close().syncUninterruptibly();
      throw e;
    }
    return new TransparentServer(https, http);
  }

  private static ClientIdleTimeout idle(ProxySettings proxy, ProxyServices services) {
    return new ClientIdleTimeout(proxy.clientIdleTimeout(), services.metrics());
  }

  private static Channel listen(
      ProxyServices services,
      HostPort address,
      EventLoopGroup boss,
      EventLoopGroup workers,
      ConnectionLimit limit,
      Consumer<ChannelPipeline> agentPipeline)
      throws Transport.ListenException {
    return services
        .transport()
        .bind(
            address,
            boss,
            workers,
            pipeline -> {
              if (limit.admit(pipeline.channel())) {
                agentPipeline.accept(pipeline);
              } else {
                pipeline
                    .addLast("http", new HttpResponseEncoder())
                    .addLast("refuse", new ConnectionRefusal(limit.max()));
              }
            });
  }

  @Override
  public void close() {
    https.close().syncUninterruptibly();
    http.close().syncUninterruptibly();
  }
}

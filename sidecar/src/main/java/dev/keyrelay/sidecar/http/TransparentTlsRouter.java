package dev.keyrelay.sidecar.http;

import dev.keyrelay.contract.HostNames;
import dev.keyrelay.sidecar.audit.AuditEvent;
import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.egress.EgressDecision;
import dev.keyrelay.sidecar.transport.RootCause;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The first step of a redirected HTTPS connection: reads the server name from the agent's TLS
 * ClientHello and does what a CONNECT to that name on port 443 would do. A routed host is
 * intercepted with the proxy's own TLS and request pipeline; any other host is tunnelled to the
 * address the egress guard checked for the name; a ClientHello without a name is refused.
 *
 * <p>The redirect hides the address the agent dialled ({@code SO_ORIGINAL_DST} would recover it).
 * The name is used instead because routes and the egress policy are written in names, and because
 * trusting it gives the agent nothing: the connection goes to the checked address of the name it
 * asked for, whatever address it dialled.
 */
final class TransparentTlsRouter extends AbstractSniHandler<TransparentTlsRouter.Next> {

  /** What the server name led to; decided off the connection's own state, applied on its loop. */
  sealed interface Next {}

  record Intercept(Route route, String host) implements Next {}

  record Tunnel(String host, Channel upstream, TunnelStats stats) implements Next {}

  record Refuse(String host, String decision, int status, String reason) implements Next {}

  static final int PORT = 443;

  private final ProxyServices services;
  private final long startNanos = System.nanoTime();

  TransparentTlsRouter(ProxyServices services) {
    super(services.headerTimeout().toMillis());
    this.services = services;
  }

  @Override
  protected Future<Next> lookup(ChannelHandlerContext ctx, String hostname) {
    Promise<Next> promise = ctx.executor().newPromise();
    decide(ctx.channel(), hostname)
        .whenComplete(
            (next, failure) -> {
              if (failure != null) {
                promise.tryFailure(failure);
              } else {
                promise.trySuccess(next);
              }
            });
    return promise;
  }

  private CompletableFuture<Next> decide(Channel client, String hostname) {
    if (hostname == null) {
      return refuse(null, "no server name (SNI) in the TLS ClientHello");
    }
    String host;
    try {
      host = HostNames.canonical(hostname);
    } catch (IllegalArgumentException e) {
      return refuse(hostname, "the server name is not a valid host name");
    }
    ProxyState state = services.state();
    Optional<Route> route = state.routes().match(host, PORT);
    if (route.isPresent()) {
      return services
          .serverTls()
          .prepare(host)
          .thenApply(ready -> new Intercept(route.get(), host));
    }
    return state.egress().check(host, PORT).thenCompose(decision -> tunnel(client, host, decision));
  }

  private CompletableFuture<Next> tunnel(Channel client, String host, EgressDecision decision) {
    if (!decision.allowed()) {
      return refuse(host, decision.reason());
    }
    TunnelStats stats = new TunnelStats(services, host, startNanos);
    ChannelFuture connected = BlindTunnel.connect(services, client, decision, stats);
    CompletableFuture<Next> next = new CompletableFuture<>();
    connected.addListener(
        done ->
            next.complete(
                done.isSuccess()
                    ? new Tunnel(host, connected.channel(), stats)
                    : new Refuse(host, "failed", 502, RootCause.message(done.cause()))));
    return next;
  }

  private static CompletableFuture<Next> refuse(String host, String reason) {
    return CompletableFuture.completedFuture(new Refuse(host, "denied", 403, reason));
  }

  @Override
  protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Next> future) {
    Next next =
        future.isSuccess()
            ? future.getNow()
            : new Refuse(hostname, "failed", 502, RootCause.message(future.cause()));
    if (!ctx.channel().isActive()) {
      if (next instanceof Tunnel tunnel) {
        tunnel.upstream().close();
      }
      return;
    }
    if (next instanceof Intercept intercept) {
      // TLS first, then the requests inside it; the ClientHello this step holds goes to the TLS.
      ctx.pipeline()
          .addAfter(
              ctx.name(),
              "alpn",
              TlsInterception.requests(services, intercept.route(), intercept.host(), PORT));
      ctx.pipeline()
          .replace(this, "tls", TlsInterception.agentTls(ctx, services, intercept.host(), PORT));
    } else if (next instanceof Tunnel tunnel) {
      BlindTunnel.relay(ctx, this, tunnel.upstream(), tunnel.stats());
    } else if (next instanceof Refuse refusal) {
      refuse(ctx, refusal);
    }
  }

  /** There is no HTTP to answer in yet: the agent sees its TLS handshake fail. */
  private void refuse(ChannelHandlerContext ctx, Refuse refusal) {
    services.metrics().tunnel(refusal.decision());
    services
        .audit()
        .record(
            new AuditEvent(
                refusal.decision(),
                null,
                refusal.host(),
                null,
                null,
                refusal.status(),
                System.nanoTime() - startNanos,
                -1,
                -1,
                false));
    ctx.close();
  }
}

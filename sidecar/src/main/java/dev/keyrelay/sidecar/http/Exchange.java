package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.audit.AuditEvent;
import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.secrets.AwsCredentials;
import dev.keyrelay.sidecar.secrets.SecretInvalidException;
import dev.keyrelay.sidecar.secrets.SecretValue;
import dev.keyrelay.sidecar.upstream.UpstreamKey;
import dev.keyrelay.sidecar.upstream.UpstreamListener;
import dev.keyrelay.sidecar.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;

/**
 * One request and its response on a client connection: picks the target, injects the credential for
 * a routed request, streams the request up as the proxy framed it and the response down with
 * backpressure, and hands the upstream connection back to the pool only when both ended cleanly.
 */
final class Exchange implements UpstreamListener {

  /** What an exchange tells the client connection that owns it; event-loop calls. */
  interface Owner {

    /** The request head is upstream: queued body parts may follow it now. */
    void drain();

    /** The upstream can take more: reading from the client may resume. */
    void updateAutoRead();

    /** Done, and the client connection carries on with its next request. */
    void completed();

    /** Done, and the client connection is closing or leaves HTTP: read nothing more. */
    void ended();

    /**
     * Keeps the upstream connection of a clean exchange for this client connection's next request
     * (an agent in a tunnel calls one host again and again); it goes back to the pool when the next
     * request is for another upstream or the client connection ends.
     */
    void keep(Channel upstream, UpstreamKey key);

    /** The kept connection if it is open and to {@code key}, else null (it went to the pool). */
    Channel kept(UpstreamKey key);
  }

  private enum State {
    /** Waiting for the target, the secret and an upstream connection. */
    PREPARING,
    /** Request head sent; body parts go up as they arrive. */
    STREAMING,
    /** The whole request is upstream; waiting for the response to end. */
    AWAITING_RESPONSE,
    /** Finished, failed or abandoned. */
    DONE
  }

  private final ChannelHandlerContext ctx;
  private final ProxyServices services;
  private final TargetSelector targets;
  private final Owner owner;
  private HttpRequest request;
  private final long startNanos = System.nanoTime();
  private final String method;
  private final String path;
  private final boolean clientKeepAlive;
  private final boolean webSocket;
  private RequestFraming framing;
  private ScrubbedResponse scrubbing;
  private UnauthorizedRetry retry;
  private AwsSigning signing;
  private State state = State.PREPARING;
  private ExchangeTarget target;
  private Channel upstream;
  private long sentNanos;
  private boolean requestDone;
  // The last request byte reached the upstream's socket: the only request state that lets the
  // connection go back to the pool.
  private boolean requestWritten;
  // Written upstream since the last flush: a flush of a TLS connection with nothing to send still
  // costs an empty wrap, a promise and a trip down its pipeline.
  private boolean unflushed;
  private boolean responseStarted;
  private boolean interim;
  private boolean upstreamKeepAlive;
  private int status;

  Exchange(
      ChannelHandlerContext ctx,
      ProxyServices services,
      TargetSelector targets,
      HttpRequest request,
      Owner owner) {
    this.ctx = ctx;
    this.services = services;
    this.targets = targets;
    this.owner = owner;
    this.request = request;
    this.method = request.method().name();
    this.path = AuditEvent.pathOf(request.uri());
    this.clientKeepAlive = HttpUtil.isKeepAlive(request);
    this.webSocket = WebSocketUpgrade.requested(request, ctx.channel());
  }

  /** Whether body parts may be forwarded now. */
  boolean streaming() {
    return state == State.STREAMING;
  }

  /** The upstream connection while the exchange holds one, else null. */
  Channel upstream() {
    return upstream;
  }

  void begin() {
    ProxyRejection malformed = MalformedRequests.refusal(request);
    if (malformed != null) {
      fail(malformed);
      return;
    }
    if (request.method().equals(HttpMethod.CONNECT)) {
      // Only the first request of a proxy connection may be a CONNECT (ProxyEntryHandler).
      // Forwarded,
      // a 2xx would turn the upstream connection into a tunnel the sidecar no longer reads.
      fail(
          new ProxyRejection(
              ProblemType.BAD_REQUEST,
              null,
              "CONNECT is not forwarded: send it on a new connection to the proxy port"));
      return;
    }
    // Read before any header changes, and only from a head the decoder accepted.
    framing = RequestFraming.of(request);
    CompletableFuture<ExchangeTarget> selected;
    try {
      selected = targets.select(request);
    } catch (RuntimeException e) {
      selected = CompletableFuture.failedFuture(e);
    }
    prepare(selected);
  }

  private void prepare(CompletableFuture<ExchangeTarget> selected) {
    selected
        .thenCompose(this::secretFor)
        .whenComplete(
            // Secrets from memory arrive on this event loop: carry on without a task hop.
            (secret, failure) -> onEventLoop(() -> proceed(secret, failure)));
  }

  private void onEventLoop(Runnable task) {
    if (ctx.executor().inEventLoop()) {
      task.run();
    } else {
      ctx.executor().execute(task);
    }
  }

  private void proceed(SecretValue secret, Throwable failure) {
    if (state != State.PREPARING) {
      return;
    }
    if (failure != null) {
      fail(failure);
    } else {
      acquire(secret);
    }
  }

  private CompletableFuture<SecretValue> secretFor(ExchangeTarget selected) {
    target = selected;
    String credentialHeader =
        selected.route() == null ? null : selected.route().auth().headerName();
    String listed = HopByHopHeaders.protectedListed(request.headers(), credentialHeader);
    if (listed != null) {
      return CompletableFuture.failedFuture(
          new ProxyRejection(
              ProblemType.BAD_REQUEST,
              selected.routeName(),
              "the Connection header may not name " + listed));
    }
    if (selected.route() == null) {
      return CompletableFuture.completedFuture(null);
    }
    return services.secrets().resolve(selected.route().name(), selected.route().secret());
  }

  private void acquire(SecretValue secret) {
    Channel kept = owner.kept(target.upstream());
    if (kept != null) {
      start(kept, secret);
      return;
    }
    services
        .upstreams()
        .acquire(ctx.channel().eventLoop(), target.upstream())
        .addListener(
            (Future<Channel> acquired) -> {
              if (!acquired.isSuccess()) {
                if (state == State.PREPARING) {
                  fail(acquired.cause());
                }
                return;
              }
              if (state != State.PREPARING) {
                services.upstreams().release(acquired.getNow());
                return;
              }
              start(acquired.getNow(), secret);
            });
  }

  private void start(Channel channel, SecretValue secret) {
    upstream = channel;
    UpstreamPool.bind(channel, this);
    boolean held;
    try {
      HopByHopHeaders.strip(request.headers());
      if (webSocket) {
        WebSocketUpgrade.keepHandshakeHeaders(request.headers());
      }
      if (target.route() != null) {
        if (retry == null) {
          retry = UnauthorizedRetry.of(target.route(), request, webSocket);
        }
        SecretValue onTheWire = secret;
        if (target.route().auth() instanceof RouteAuth.AwsSigV4 aws) {
          AwsCredentials credentials = AwsCredentials.unpack(secret);
          signing = AwsSigning.strip(aws, credentials, target.upstream(), request.headers());
          onTheWire = AwsSigning.travelling(credentials);
        } else {
          CredentialInjector.inject(request.headers(), target.route().auth(), secret);
        }
        if (retry != null) {
          retry.sent(secret);
        }
        scrubbing = ScrubbedResponse.forRoute(target.route(), onTheWire, services.scrubbing());
        if (scrubbing != null) {
          scrubbing.prepare(request);
        }
      }
      framing.apply(request.headers());
      // Signed last: the signature covers the headers exactly as they go upstream.
      held = signing != null && signing.start(request, framing, ctx.alloc());
    } catch (SecretInvalidException | RuntimeException e) {
      // Nothing was written: the agent gets an answer, never a hang.
      fail(e);
      return;
    }
    state = State.STREAMING;
    sentNanos = System.nanoTime();
    if (held) {
      // The head goes up with its body, once that is complete and signed.
      owner.drain();
      return;
    }
    if (target.route() != null) {
      services.metrics().injected(target.routeName());
    }
    if (request instanceof HttpContent whole) {
      framing.accept(whole);
    }
    send(request);
    owner.drain();
  }

  void forward(HttpContent content) {
    if (content.decoderResult().isFailure() || !framing.accept(content)) {
      // A body the decoder could not frame (bad chunk size, chunk longer than declared, bad
      // extension) must never be completed upstream: the connection goes without its last chunk.
      ReferenceCountUtil.release(content);
      stop(
          new ProxyRejection(
              ProblemType.BAD_REQUEST, target.routeName(), "malformed request body"));
      return;
    }
    services.metrics().bodyBytes("sent", content.content().readableBytes());
    if (signing != null && signing.holding()) {
      if (signing.add(content)) {
        // The whole request is here; no body part of it can follow.
        state = State.AWAITING_RESPONSE;
        signing
            .signHeld(services.blocking())
            .whenComplete((whole, failure) -> onEventLoop(() -> sendSigned(whole, failure)));
      }
      return;
    }
    send(content);
  }

  private void sendSigned(HttpRequest whole, Throwable failure) {
    if (state != State.AWAITING_RESPONSE || upstream == null) {
      ReferenceCountUtil.release(whole);
    } else if (failure != null) {
      fail(failure);
    } else {
      services.metrics().injected(target.routeName());
      send(whole);
      flushUpstream();
    }
  }

  /** Flushes what went upstream since the last flush, if anything did. */
  void flushUpstream() {
    if (unflushed && upstream != null) {
      unflushed = false;
      upstream.flush();
    }
  }

  private void send(HttpObject message) {
    unflushed = true;
    if (!(message instanceof LastHttpContent)) {
      upstream.write(message, upstream.voidPromise());
      return;
    }
    requestDone = true;
    state = State.AWAITING_RESPONSE;
    upstream
        .write(message)
        .addListener(written -> requestWritten = written.isSuccess() && framing.complete());
  }

  /** Drops a response head the client must not get and answers 502 instead. */
  private void refuse(HttpObject message, String detail) {
    ReferenceCountUtil.release(message);
    fail(UpstreamFailures.failed(target.routeName(), detail));
  }

  @Override
  public void onResponse(HttpObject message) {
    if (state == State.DONE) {
      ReferenceCountUtil.release(message);
      return;
    }
    if (message instanceof HttpContent && message.decoderResult().isFailure()) {
      ReferenceCountUtil.release(message);
      stop(
          UpstreamFailures.failed(target.routeName(), "malformed response body from the upstream"));
      return;
    }
    if (message instanceof HttpResponse response) {
      if (response.decoderResult().isFailure()) {
        refuse(message, "malformed response from the upstream");
        return;
      }
      if (retry != null && retry.take(response.status().code(), requestDone)) {
        retryWithNewToken(message);
        return;
      }
      if (retry != null && response.status().code() == 401) {
        // Not sent again, but the token is spent all the same: the next request gets a new one.
        services.secrets().rejected(target.route().secret(), retry.rejected());
      }
      if (response.status().code() == 101 && !webSocket) {
        refuse(message, "the upstream switched protocols without being asked to");
        return;
      }
      String coding = scrubbing == null ? null : ScrubbedResponse.unreadableCoding(response);
      if (coding != null && mayHaveBody(response.status())) {
        refuse(
            message,
            "the upstream encoded its response ("
                + coding
                + ") although asked not"
                + " to; an encoded body cannot be scrubbed of the secret");
        return;
      }
      prepareResponseHead(response);
      if (scrubbing != null) {
        scrubbing.headers(response.headers());
      }
    }
    if (message instanceof HttpContent content) {
      services.metrics().bodyBytes("received", content.content().readableBytes());
      if (scrubbing != null && !(message instanceof HttpResponse)) {
        message = scrubbing.content(content, ctx.alloc());
      }
    }
    if (message instanceof LastHttpContent && status == 101 && webSocket) {
      switchToRelay(message);
      return;
    }
    if (message instanceof LastHttpContent && !interim) {
      complete(message);
      return;
    }
    ctx.write(message, ctx.voidPromise());
    if (message instanceof LastHttpContent) {
      interim = false;
      ctx.flush();
    } else if (!ctx.channel().isWritable()) {
      upstream.config().setAutoRead(false);
    }
  }

  /** Drops the 401 and its connection, and sends the request again with a new token. */
  private void retryWithNewToken(HttpObject unauthorized) {
    ReferenceCountUtil.release(unauthorized);
    services.upstreams().discard(upstream);
    upstream = null;
    if (scrubbing != null) {
      scrubbing.release();
      scrubbing = null;
    }
    services.secrets().rejected(target.route().secret(), retry.rejected());
    request = retry.request();
    requestDone = false;
    requestWritten = false;
    state = State.PREPARING;
    prepare(CompletableFuture.completedFuture(target));
  }

  private void prepareResponseHead(HttpResponse response) {
    HttpResponseStatus responseStatus = response.status();
    interim =
        responseStatus.codeClass() == HttpStatusClass.INFORMATIONAL && responseStatus.code() != 101;
    if (interim) {
      HopByHopHeaders.strip(response.headers());
      return;
    }
    responseStarted = true;
    status = responseStatus.code();
    services.metrics().upstreamLatency(target.routeName(), System.nanoTime() - sentNanos);
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    HopByHopHeaders.strip(response.headers());
    if (status == 101) {
      // Only a WebSocket handshake may switch protocols; anything else is refused below.
      WebSocketUpgrade.keepHandshakeHeaders(response.headers());
    }
    if (!clientKeepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (mayHaveBody(responseStatus)
        && !HttpUtil.isContentLengthSet(response)
        && !HttpUtil.isTransferEncodingChunked(response)) {
      // The upstream delimits this body by closing; the client connection stays open, so the
      // body is re-framed as chunked.
      HttpUtil.setTransferEncodingChunked(response, true);
    }
  }

  private boolean mayHaveBody(HttpResponseStatus responseStatus) {
    int code = responseStatus.code();
    return !request.method().equals(HttpMethod.HEAD) && code >= 200 && code != 204 && code != 304;
  }

  /** The upstream accepted the WebSocket handshake: from here on both sides relay bytes. */
  private void switchToRelay(HttpObject last) {
    ctx.writeAndFlush(last);
    Channel relayed = upstream;
    upstream = null;
    finish(target.route() == null ? "forwarded" : "injected", status);
    owner.ended();
    WebSocketUpgrade.relay(
        ctx,
        relayed,
        scrubbing == null ? null : scrubbing.relay(),
        n -> services.metrics().tunnelBytes("sent", n),
        n -> services.metrics().tunnelBytes("received", n));
  }

  @Override
  public void onReadComplete() {
    ctx.flush();
  }

  @Override
  public void onWritable() {
    owner.updateAutoRead();
  }

  @Override
  public void onTimeout() {
    if (state == State.AWAITING_RESPONSE || state == State.STREAMING && responseStarted) {
      stop(UpstreamFailures.timeout(target.routeName()));
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    if (state == State.DONE) {
      return;
    }
    stop(
        cause == null
            ? UpstreamFailures.closed(target.routeName())
            : UpstreamFailures.toRejection(cause, target.routeName()));
  }

  /** Ends the exchange: a rejection while the client has nothing yet, else a close. */
  private void stop(ProxyRejection rejection) {
    if (responseStarted) {
      // Part of the response is already with the client: the only honest signal is a close.
      finish(rejection.decision(), status);
      owner.ended();
      ctx.flush();
      ctx.close();
    } else {
      fail(rejection);
    }
  }

  private void complete(HttpObject last) {
    boolean clientCarriesOn = clientKeepAlive && requestDone;
    // Only a connection that closes after this response waits for the write to finish.
    ChannelFuture lastWrite =
        clientCarriesOn ? ctx.write(last, ctx.voidPromise()) : ctx.write(last);
    ctx.flush();
    // Reused only after a clean exchange on both sides: the request went out whole, exactly as
    // framed, and the response was read to its end.
    boolean reusable = requestWritten && upstreamKeepAlive;
    if (reusable) {
      owner.keep(upstream, target.upstream());
    } else {
      services.upstreams().discard(upstream);
    }
    upstream = null;
    finish(target.route() == null ? "forwarded" : "injected", status);
    if (!clientCarriesOn) {
      owner.ended();
      lastWrite.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    owner.completed();
  }

  /** Answers the client with the rejection's JSON body and closes the connection. */
  private void fail(Throwable failure) {
    ProxyRejection rejection =
        UpstreamFailures.toRejection(failure, target == null ? null : target.routeName());
    if (upstream != null) {
      services.upstreams().discard(upstream);
      upstream = null;
    }
    finish(rejection.decision(), rejection.status().code());
    owner.ended();
    ctx.writeAndFlush(ProblemResponses.of(rejection)).addListener(ChannelFutureListener.CLOSE);
  }

  /** The client went away: drop the upstream connection, since its exchange is half done. */
  void abandon() {
    if (state == State.DONE) {
      return;
    }
    if (upstream != null) {
      services.upstreams().discard(upstream);
      upstream = null;
    }
    finish("aborted", status);
  }

  private void finish(String decision, int finalStatus) {
    if (state == State.PREPARING) {
      // Never written upstream (the write would have released it): an HTTP/2 request arrives
      // whole, its body in a buffer that is ours to free.
      ReferenceCountUtil.release(request);
    }
    state = State.DONE;
    String route = target == null ? null : target.routeName();
    String host = target == null ? null : target.upstream().host();
    long nanos = System.nanoTime() - startNanos;
    services.metrics().request(route, method, finalStatus);
    boolean scrubbed = scrubbing != null && scrubbing.masked();
    if (scrubbed) {
      services.metrics().scrubbed(route);
    }
    if (scrubbing != null) {
      scrubbing.release();
    }
    if (signing != null) {
      signing.release();
    }
    services
        .audit()
        .record(
            new AuditEvent(
                decision, route, host, method, path, finalStatus, nanos, -1, -1, scrubbed));
  }
}

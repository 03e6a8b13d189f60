package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.secrets.AwsCredentials;
import dev.keyrelay.sidecar.secrets.SecretValue;
import dev.keyrelay.sidecar.upstream.UpstreamKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Signs the request of an {@code awsSigV4} route with the route's AWS credentials, using the AWS
 * SDK's SigV4 signer, in place of the signature the agent made with placeholder keys. A body of
 * known length up to {@link #MAX_SIGNED_BODY} is held until it is complete and its SHA-256 signed;
 * a larger or chunked one streams on with {@code UNSIGNED-PAYLOAD}.
 */
final class AwsSigning {

  /** The largest body that is buffered to sign its hash; documented in short-lived-credentials. */
  static final int MAX_SIGNED_BODY = 10 * 1024 * 1024;

  /**
   * Bodies up to this size are hashed on the event loop (well under a millisecond); larger ones on
   * the blocking pool (10 MiB took 35 to 80 ms on a shared 2-core machine).
   */
  static final int MAX_INLINE_BODY = 64 * 1024;

  /** What the agent's SDK signed with; none of it is forwarded. */
  static final List<String> AGENT_SIGNATURE =
      List.of("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256");

  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private final RouteAuth.AwsSigV4 auth;
  private final AwsCredentialsIdentity identity;
  private final UpstreamKey upstream;
  private HttpRequest head; // held while its body is buffered
  private CompositeByteBuf body;

  private AwsSigning(RouteAuth.AwsSigV4 auth, AwsCredentials credentials, UpstreamKey upstream) {
    this.auth = auth;
    this.upstream = upstream;
    this.identity =
        credentials.sessionToken() == null
            ? AwsCredentialsIdentity.create(
                credentials.accessKeyId().reveal(), credentials.secretAccessKey().reveal())
            : AwsSessionCredentialsIdentity.create(
                credentials.accessKeyId().reveal(),
                credentials.secretAccessKey().reveal(),
                credentials.sessionToken().reveal());
  }

  /** Takes the agent's signature off {@code headers}; the request is signed later. */
  static AwsSigning strip(
      RouteAuth.AwsSigV4 auth,
      AwsCredentials credentials,
      UpstreamKey upstream,
      HttpHeaders headers) {
    AGENT_SIGNATURE.forEach(headers::remove);
    headers.remove("proxy-authorization");
    return new AwsSigning(auth, credentials, upstream);
  }

  /** What of the credentials travels on the wire, for the response scrubber to look for. */
  static SecretValue travelling(AwsCredentials credentials) {
    return credentials.sessionToken() != null
        ? credentials.sessionToken()
        : credentials.accessKeyId();
  }

  /**
   * Signs the request once its headers are final, or holds it until its body is complete.
   *
   * @return true when the head is held: the body parts go to {@link #add} instead of upstream, then
   *     the request to {@link #signHeld}
   */
  boolean start(HttpRequest request, RequestFraming framing, ByteBufAllocator alloc) {
    long length = framing.declaredLength();
    if (request instanceof FullHttpRequest full) {
      sign(request, full.content());
      return false;
    }
    if (length < 0 || length > MAX_SIGNED_BODY) {
      sign(request, null);
      return false;
    }
    if (length == 0) {
      sign(request, Unpooled.EMPTY_BUFFER);
      return false;
    }
    head = request;
    body = alloc.compositeBuffer(Integer.MAX_VALUE);
    return true;
  }

  /** Whether the head waits for its body. */
  boolean holding() {
    return head != null;
  }

  /** Takes one body part of a held request; true after the last. */
  boolean add(HttpContent content) {
    body.addComponent(true, content.content().retain());
    boolean last = content instanceof LastHttpContent;
    ReferenceCountUtil.release(content);
    return last;
  }

  /**
   * Signs the held request with its whole body: in place when the body is small, else on {@code
   * blocking}, since hashing megabytes would hold up every other connection of the event loop. The
   * request the future completes with is the caller's to send or release; the signing keeps
   * nothing.
   */
  CompletableFuture<FullHttpRequest> signHeld(Executor blocking) {
    HttpRequest request = head;
    CompositeByteBuf payload = body;
    head = null;
    body = null;
    Supplier<FullHttpRequest> signed =
        () -> {
          try {
            sign(request, payload);
          } catch (RuntimeException e) {
            payload.release();
            throw e;
          }
          return new DefaultFullHttpRequest(
              request.protocolVersion(),
              request.method(),
              request.uri(),
              payload,
              request.headers(),
              EmptyHttpHeaders.INSTANCE);
        };
    if (payload.readableBytes() <= MAX_INLINE_BODY) {
      try {
        return CompletableFuture.completedFuture(signed.get());
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    try {
      return CompletableFuture.supplyAsync(signed, blocking);
    } catch (RejectedExecutionException e) {
      payload.release();
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Frees a body that was held when the exchange ends without sending it. */
  void release() {
    if (body != null) {
      body.release();
      body = null;
    }
  }

  /**
   * Signs {@code request} in place: the SDK signer reads the method, path, query and headers and
   * adds its headers (Authorization, X-Amz-Date, X-Amz-Security-Token, x-amz-content-sha256).
   *
   * @param payload the whole body to sign, or null to sign {@code UNSIGNED-PAYLOAD}
   */
  void sign(HttpRequest request, ByteBuf payload) {
    SdkHttpRequest.Builder sdk =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(request.method().name()))
            .protocol(upstream.tls() ? "https" : "http")
            .host(upstream.host())
            .port(upstream.port());
    String uri = request.uri();
    int query = uri.indexOf('?');
    sdk.encodedPath(query < 0 ? uri : uri.substring(0, query));
    if (query >= 0) {
      // Decoded here, encoded again by the signer the way SigV4's canonical query wants it.
      for (String pair : uri.substring(query + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (!pair.isEmpty()) {
          sdk.appendRawQueryParameter(
              SdkHttpUtils.urlDecode(eq < 0 ? pair : pair.substring(0, eq)),
              eq < 0 ? "" : SdkHttpUtils.urlDecode(pair.substring(eq + 1)));
        }
      }
    }
    for (Map.Entry<String, String> header : request.headers()) {
      sdk.appendHeader(header.getKey(), header.getValue());
    }
    SdkHttpRequest signed =
        SIGNER
            .sign(
                r -> {
                  r.identity(identity)
                      .request(sdk.build())
                      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, auth.service())
                      .putProperty(AwsV4HttpSigner.REGION_NAME, auth.region())
                      .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, payload != null);
                  if (payload != null) {
                    ByteBuf bytes = payload;
                    r.payload(
                        ContentStreamProvider.fromInputStreamSupplier(
                            () -> new ByteBufInputStream(bytes.duplicate())));
                  }
                })
            .request();
    // The signer's own headers are the ones the request does not carry yet.
    signed
        .headers()
        .forEach(
            (name, values) -> {
              if (!request.headers().contains(name)) {
                request.headers().set(name, values);
              }
            });
  }
}

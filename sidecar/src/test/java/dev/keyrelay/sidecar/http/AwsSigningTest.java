package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.secrets.AwsCredentials;
import dev.keyrelay.sidecar.secrets.SecretValue;
import dev.keyrelay.sidecar.testing.AwsTestAccount;
import dev.keyrelay.sidecar.testing.SigV4Verifier;
import dev.keyrelay.sidecar.upstream.UpstreamKey;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The signing step of an awsSigV4 route: which headers go and come, when the body's hash is signed
 * and when UNSIGNED-PAYLOAD; our verifier recomputes each signature with the real key.
 */
class AwsSigningTest {

  private static final RouteAuth.AwsSigV4 AUTH = new RouteAuth.AwsSigV4("bedrock", "us-east-1");
  private static final UpstreamKey UPSTREAM =
      new UpstreamKey(
          "bedrock-runtime.us-east-1.amazonaws.com",
          443,
          true,
          null,
          InetSocketAddress.createUnresolved("bedrock-runtime.us-east-1.amazonaws.com", 443));
  private static final String PATH = "/model/anthropic.claude-sonnet-4%3A0/invoke?trace=a%20b&x=1";

  private final AwsTestAccount account = new AwsTestAccount();
  private final AwsTestAccount.Key key = account.temporaryKey(Duration.ofHours(1));
  private final SigV4Verifier verifier = new SigV4Verifier(account, "bedrock", "us-east-1");

  @Test
  void theAgentsSignatureIsReplacedAndEveryOtherHeaderKept() throws Exception {
    HttpRequest request = agentRequest(5);
    AwsSigning signing = strip(request);
    assertThat(request.headers().names())
        .containsExactlyInAnyOrder("Host", "Content-Type", "Content-Length", "User-Agent");

    assertThat(signing.start(request, RequestFraming.of(request), ByteBufAllocator.DEFAULT))
        .as("a body within the limit is held")
        .isTrue();
    FullHttpRequest signed = whole(signing, "hello");
    try {
      assertThat(signed.headers().get("Authorization"))
          .startsWith("AWS4-HMAC-SHA256 Credential=" + key.accessKeyId() + "/")
          .contains("/us-east-1/bedrock/aws4_request")
          .doesNotContain("PLACEHOLDER");
      assertThat(signed.headers().get("X-Amz-Security-Token")).isEqualTo(key.sessionToken());
      assertThat(signed.headers().get("X-Amz-Date")).doesNotStartWith("2001");
      assertThat(signed.headers().get("x-amz-content-sha256")).isEqualTo(sha256("hello"));
      assertThat(signed.headers().getAll("Authorization")).hasSize(1);
      assertThat(signed.headers().get("User-Agent")).isEqualTo("aws-sdk-js/3");
      assertThat(verifier.verify("POST", PATH, lower(signed), "hello".getBytes())).isNull();
    } finally {
      signed.release();
    }
  }

  @Test
  void aWrongSecretKeyFailsTheVerification() throws Exception {
    AwsCredentials wrong =
        new AwsCredentials(
            new SecretValue(key.accessKeyId()),
            new SecretValue("not-the-secret"),
            new SecretValue(key.sessionToken()));
    HttpRequest request = agentRequest(0);
    AwsSigning signing = AwsSigning.strip(AUTH, wrong, UPSTREAM, request.headers());
    assertThat(signing.start(request, RequestFraming.of(request), ByteBufAllocator.DEFAULT))
        .isFalse();

    assertThat(verifier.verify("POST", PATH, lower(request), new byte[0]))
        .extracting(SigV4Verifier.Refusal::type)
        .isEqualTo("InvalidSignatureException");
  }

  @Test
  void aBodyAtTheLimitIsHashedAndOneByteMoreGoesUnsigned() throws Exception {
    HttpRequest atLimit = agentRequest(AwsSigning.MAX_SIGNED_BODY);
    AwsSigning held = strip(atLimit);
    assertThat(held.start(atLimit, RequestFraming.of(atLimit), ByteBufAllocator.DEFAULT)).isTrue();
    byte[] body = new byte[AwsSigning.MAX_SIGNED_BODY];
    assertThat(held.add(new DefaultLastHttpContent(Unpooled.wrappedBuffer(body)))).isTrue();
    List<String> signers = new ArrayList<>();
    FullHttpRequest signed =
        held.signHeld(
                task -> {
                  signers.add("blocking pool");
                  task.run();
                })
            .get();
    try {
      assertThat(signed.headers().get("x-amz-content-sha256"))
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
      assertThat(verifier.verify("POST", PATH, lower(signed), body)).isNull();
      assertThat(signers).as("a large body is hashed off the event loop").hasSize(1);
    } finally {
      signed.release();
    }

    HttpRequest over = agentRequest(AwsSigning.MAX_SIGNED_BODY + 1);
    AwsSigning streamed = strip(over);
    assertThat(streamed.start(over, RequestFraming.of(over), ByteBufAllocator.DEFAULT)).isFalse();
    assertThat(over.headers().get("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
    assertThat(verifier.verify("POST", PATH, lower(over), new byte[0])).isNull();
  }

  @Test
  void aChunkedBodyOfUnknownLengthGoesUnsigned() {
    HttpRequest chunked = agentRequest(-1);
    AwsSigning signing = strip(chunked);

    assertThat(signing.start(chunked, RequestFraming.of(chunked), ByteBufAllocator.DEFAULT))
        .isFalse();
    assertThat(chunked.headers().get("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
    assertThat(verifier.verify("POST", PATH, lower(chunked), new byte[0])).isNull();
  }

  @Test
  void aHeldBodyIsFreedWhenTheExchangeEndsFirst() {
    HttpRequest request = agentRequest(10);
    AwsSigning signing = strip(request);
    signing.start(request, RequestFraming.of(request), ByteBufAllocator.DEFAULT);
    DefaultHttpContent part = new DefaultHttpContent(Unpooled.copiedBuffer(new byte[4]));

    assertThat(signing.add(part)).isFalse();
    signing.release();

    assertThat(part.refCnt()).isZero();
  }

  private AwsSigning strip(HttpRequest request) {
    return AwsSigning.strip(
        AUTH,
        new AwsCredentials(
            new SecretValue(key.accessKeyId()),
            new SecretValue(key.secretAccessKey()),
            new SecretValue(key.sessionToken())),
        UPSTREAM,
        request.headers());
  }

  /** A request as an AWS SDK signs it with placeholder keys; length -1 for chunked. */
  private static HttpRequest agentRequest(long length) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, PATH);
    request.headers().set("Host", UPSTREAM.host());
    request.headers().set("Content-Type", "application/json");
    if (length < 0) {
      request.headers().set("Transfer-Encoding", "chunked");
    } else {
      request.headers().set("Content-Length", length);
    }
    request.headers().set("User-Agent", "aws-sdk-js/3");
    request
        .headers()
        .set(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=PLACEHOLDER/20010101/us-east-1/bedrock/aws4_request,"
                + " SignedHeaders=host;x-amz-date, Signature="
                + "0".repeat(64));
    request.headers().set("X-Amz-Date", "20010101T000000Z");
    request.headers().set("X-Amz-Security-Token", "placeholder-token");
    request.headers().set("X-Amz-Content-Sha256", "0".repeat(64));
    return request;
  }

  /** The body in two parts; a small one is signed in place, never on the executor. */
  private static FullHttpRequest whole(AwsSigning signing, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThat(signing.add(new DefaultHttpContent(Unpooled.copiedBuffer(bytes, 0, 2)))).isFalse();
    assertThat(
            signing.add(
                new DefaultLastHttpContent(Unpooled.copiedBuffer(bytes, 2, bytes.length - 2))))
        .isTrue();
    return signing
        .signHeld(
            task -> {
              throw new AssertionError("a small body is signed in place");
            })
        .get();
  }

  private static Map<String, List<String>> lower(HttpRequest request) {
    Map<String, List<String>> headers = new TreeMap<>();
    for (String name : request.headers().names()) {
      headers.put(name.toLowerCase(Locale.ROOT), request.headers().getAll(name));
    }
    return headers;
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes()));
  }
}

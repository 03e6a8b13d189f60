package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.relay.ByteRelay;
import dev.keyrelay.sidecar.scrub.StreamScrubber;
import dev.keyrelay.sidecar.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.function.LongConsumer;

/**
 * A WebSocket opening handshake (RFC 6455) over HTTP/1.1: the request goes up like any other, with
 * its credential injected and its Upgrade kept, and once the upstream answers 101 both connections
 * stop speaking HTTP and their bytes are relayed unchanged, as in a blind tunnel.
 */
final class WebSocketUpgrade {

  private WebSocketUpgrade() {}

  /** An HTTP/1.1 request asking to switch to WebSocket (HTTP/2 streams have no Upgrade). */
  static boolean requested(HttpRequest request, Channel client) {
    HttpHeaders headers = request.headers();
    return !(client instanceof Http2StreamChannel)
        && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }

  /**
   * Puts back the two headers the handshake needs after hop-by-hop headers were dropped: they
   * describe this one connection, and the next hop is the upstream itself.
   */
  static void keepHandshakeHeaders(HttpHeaders headers) {
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
  }

  /**
   * Turns both connections into a byte relay. Runs on the shared event loop right after the 101 was
   * written to the agent; bytes the upstream sent after its 101 are passed on by the removed HTTP
   * decoder.
   *
   * @param forward the context of the agent-side handler that forwarded the handshake
   */
  static void relay(
      ChannelHandlerContext forward,
      Channel upstream,
      StreamScrubber scrubber,
      LongConsumer sentBytes,
      LongConsumer receivedBytes) {
    Channel client = forward.channel();
    UpstreamPool.detach(upstream, new ByteRelay(client, receivedBytes, scrubber));
    ChannelPipeline down = client.pipeline();
    down.addLast(new ByteRelay(upstream, sentBytes));
    down.remove(forward.handler());
    down.remove(HttpServerCodec.class);
    client.config().setAutoRead(true);
    upstream.config().setAutoRead(true);
  }
}

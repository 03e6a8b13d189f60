package dev.keyrelay.sidecar.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The relay copies bytes unchanged and stops reading while the other side cannot keep up. */
class ByteRelayTest {

  @Test
  void copiesBytesAndPausesReadingWhileThePeerIsFull() {
    EmbeddedChannel client = new EmbeddedChannel();
    EmbeddedChannel upstream = new EmbeddedChannel();
    upstream.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    AtomicLong fromClient = new AtomicLong();
    client.pipeline().addLast(new ByteRelay(upstream, fromClient::addAndGet));
    upstream.pipeline().addLast(new ByteRelay(client, n -> {}));

    // Written but not yet flushed: 32 bytes sit in the upstream's outbound buffer.
    client.pipeline().fireChannelRead(Unpooled.wrappedBuffer(new byte[32]));
    assertThat(fromClient).hasValue(32);
    assertThat(upstream.isWritable()).isFalse();
    assertThat(client.config().isAutoRead()).as("client paused").isFalse();

    // The read completes: the relay flushes, the upstream drains, the client reads again.
    client.pipeline().fireChannelReadComplete();
    assertThat(upstream.isWritable()).isTrue();
    assertThat(client.config().isAutoRead()).as("client resumed").isTrue();
    ByteBuf relayed = upstream.readOutbound();
    assertThat(relayed.readableBytes()).isEqualTo(32);
    relayed.release();
  }

  @Test
  void closingOneSideClosesTheOther() {
    EmbeddedChannel client = new EmbeddedChannel();
    EmbeddedChannel upstream = new EmbeddedChannel();
    client.pipeline().addLast(new ByteRelay(upstream, n -> {}));
    upstream.pipeline().addLast(new ByteRelay(client, n -> {}));

    upstream.close();
    client.runPendingTasks();

    assertThat(client.isOpen()).isFalse();
  }
}

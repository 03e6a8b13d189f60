package dev.keyrelay.sidecar.scrub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Scrubs one byte stream (a response body, a WebSocket relay) piece by piece: a secret split across
 * reads, chunks or frames is still caught, because the few bytes at the end of a piece that could
 * begin a secret are held back until the next piece decides them. At most the longest form less one
 * byte is ever held, and only while it could still be a secret.
 */
public final class StreamScrubber {

  private final SecretMatcher matcher;
  private ByteBuf held;
  private int masked;

  StreamScrubber(SecretMatcher matcher) {
    this.matcher = matcher;
  }

  /**
   * The bytes of {@code in} that can be passed on now, scrubbed; takes ownership of {@code in}.
   *
   * @param last whether the stream ends with this piece, so nothing may be held back
   */
  public ByteBuf scrub(ByteBuf in, boolean last, ByteBufAllocator alloc) {
    ByteBuf work = in;
    if (held != null || in.isReadOnly()) {
      int heldBytes = held == null ? 0 : held.readableBytes();
      work = alloc.buffer(heldBytes + in.readableBytes());
      if (held != null) {
        work.writeBytes(held);
        held.release();
        held = null;
      }
      work.writeBytes(in);
      in.release();
    }
    int from = work.readerIndex();
    int to = work.writerIndex();
    masked += matcher.mask(work, from, to);
    if (!last) {
      int undecided = matcher.undecidedFrom(work, from, to);
      if (undecided < to) {
        held = alloc.buffer(to - undecided).writeBytes(work, undecided, to - undecided);
        work.writerIndex(undecided);
      }
    }
    return work;
  }

  /** Masks the forms inside a text (a header value); the text itself if there is none. */
  public String scrub(String text) {
    return Scrubbing.maskText(matcher, text, this::countMasked);
  }

  /** How many secret forms were masked so far. */
  public int masked() {
    return masked;
  }

  private void countMasked(int n) {
    masked += n;
  }

  /** Frees what is held back; the stream ended without its last piece. */
  public void release() {
    if (held != null) {
      held.release();
      held = null;
    }
  }
}

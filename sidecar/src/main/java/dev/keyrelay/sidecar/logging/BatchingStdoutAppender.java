package dev.keyrelay.sidecar.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes log lines to stdout from one writer thread, many lines per write.
 *
 * <p>The proxy writes an audit line per request from every event loop. Logback's console appender
 * writes each line under one lock: the event loops queued on that lock (futex waits and context
 * switches) and paid a write(2) per line. Here the calling thread only encodes its line and queues
 * it; the writer wakes when a line arrives after a quiet spell, lets {@link #LINGER} pass so a
 * burst shares one write, and writes everything queued.
 *
 * <p>Nothing is dropped: when {@link #CAPACITY} lines wait (stdout not read), callers wait too.
 * Stopping the appender (logback's shutdown, run from the sidecar's shutdown hook) writes what is
 * queued; only a killed JVM can lose the last {@link #LINGER} of lines.
 */
public final class BatchingStdoutAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  static final long LINGER = TimeUnit.MILLISECONDS.toNanos(20);
  static final int CAPACITY = 16_384;
  private static final int BUFFER_BYTES = 64 * 1024;

  private final Queue<byte[]> lines = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean writerAsleep = new AtomicBoolean();
  private Encoder<ILoggingEvent> encoder;
  private OutputStream out = new FileOutputStream(FileDescriptor.out);
  private volatile boolean stopping;
  private Thread writer;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  /** For tests: where the lines go instead of stdout. */
  void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for appender " + name);
      return;
    }
    writer = new Thread(this::writeUntilStopped, "keyrelay-log-writer");
    writer.setDaemon(true);
    writer.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    byte[] line = encoder.encode(event);
    while (queued.get() >= CAPACITY && !stopping) {
      wakeWriter();
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
    }
    lines.add(line);
    queued.incrementAndGet();
    wakeWriter();
  }

  private void wakeWriter() {
    if (writerAsleep.get() && writerAsleep.compareAndSet(true, false)) {
      LockSupport.unpark(writer);
    }
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    stopping = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    super.stop();
  }

  private void writeUntilStopped() {
    OutputStream buffered = new BufferedOutputStream(out, BUFFER_BYTES);
    while (!stopping) {
      writerAsleep.set(true);
      // A line queued between the flag and the check would otherwise wait for the next one.
      if (lines.isEmpty()) {
        LockSupport.park(this);
      }
      writerAsleep.set(false);
      LockSupport.parkNanos(this, LINGER);
      drain(buffered);
    }
    drain(buffered);
  }

  private void drain(OutputStream buffered) {
    try {
      for (byte[] line; (line = lines.poll()) != null; ) {
        queued.decrementAndGet();
        buffered.write(line);
      }
      buffered.flush();
    } catch (IOException e) {
      // stdout is gone (the container is being torn down): nothing left to tell anyone.
      lines.clear();
      queued.set(0);
    }
  }
}

package dev.keyrelay.sidecar.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchingStdoutAppenderTest {

  private final LoggerContext context = new LoggerContext();

  @Test
  void linesFromManyThreadsArriveWholeAndAllOfThemAfterStop() throws Exception {
    CountingStream out = new CountingStream();
    BatchingStdoutAppender appender = appender(out);
    int threads = 4;
    int perThread = 5_000;
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      writers.add(
          started(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  appender.doAppend(event("t" + id + "-" + i));
                }
              }));
    }
    for (Thread writer : writers) {
      writer.join();
    }
    appender.stop();

    List<String> lines = out.text().lines().toList();
    assertThat(lines).hasSize(threads * perThread).allMatch(line -> line.matches("t\\d-\\d+"));
    for (int t = 0; t < threads; t++) {
      String prefix = "t" + t + "-";
      // each thread's lines keep their order
      assertThat(lines.stream().filter(l -> l.startsWith(prefix)).toList())
          .isSortedAccordingTo(
              (a, b) ->
                  Integer.compare(
                      Integer.parseInt(a.substring(prefix.length())),
                      Integer.parseInt(b.substring(prefix.length()))));
    }
    // batched: far fewer writes than lines
    assertThat(out.writes).isLessThan(threads * perThread / 10);
  }

  @Test
  void aLoneLineIsWrittenWithoutWaitingForMore() throws Exception {
    CountingStream out = new CountingStream();
    BatchingStdoutAppender appender = appender(out);

    appender.doAppend(event("alone"));

    assertThat(out.firstWrite.await(2, TimeUnit.SECONDS)).isTrue();
    assertThat(out.text()).isEqualTo("alone\n");
    appender.stop();
  }

  @Test
  void aStalledStdoutHoldsCallersBackInsteadOfDroppingLines() throws Exception {
    CountDownLatch unblock = new CountDownLatch(1);
    CountingStream out =
        new CountingStream() {
          @Override
          public synchronized void write(byte[] b, int off, int len) {
            try {
              unblock.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.write(b, off, len);
          }
        };
    BatchingStdoutAppender appender = appender(out);
    int lines = BatchingStdoutAppender.CAPACITY * 3;
    Thread producer =
        started(
            () -> {
              for (int i = 0; i < lines; i++) {
                appender.doAppend(event("line-" + i));
              }
            });

    producer.join(500);
    assertThat(producer.isAlive()).as("the producer waits while stdout is stalled").isTrue();
    unblock.countDown();
    producer.join(10_000);
    appender.stop();

    assertThat(out.text().lines()).hasSize(lines);
  }

  private static Thread started(Runnable task) {
    Thread thread = new Thread(task);
    thread.start();
    return thread;
  }

  private BatchingStdoutAppender appender(OutputStream out) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    BatchingStdoutAppender appender = new BatchingStdoutAppender();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    return appender;
  }

  private LoggingEvent event(String message) {
    return new LoggingEvent(
        getClass().getName(), context.getLogger("test"), Level.INFO, message, null, null);
  }

  private static class CountingStream extends ByteArrayOutputStream {
    final CountDownLatch firstWrite = new CountDownLatch(1);
    volatile int writes;

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      super.write(b, off, len);
      writes++;
      firstWrite.countDown();
    }

    synchronized String text() {
      return toString(StandardCharsets.UTF_8);
    }
  }
}

package dev.keyrelay.sidecar.secrets;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Reads a local source (env, file) on every request, so a rotated value is used at once: in place
 * when the source is in memory (handing a Secret volume's file to the pool and back cost a third of
 * the proxy's throughput), else on the blocking pool.
 */
final class DirectSecretReader implements SecretReader {

  private final SecretSource source;
  private final Executor blockingExecutor;
  private final LongSupplier ticker;

  DirectSecretReader(SecretSource source, Executor blockingExecutor, LongSupplier ticker) {
    this.source = source;
    this.blockingExecutor = blockingExecutor;
    this.ticker = ticker;
  }

  @Override
  public CompletableFuture<SecretRead> read(String route) {
    CompletableFuture<SecretRead> result = new CompletableFuture<>();
    if (source.inMemory()) {
      readInto(result);
      return result;
    }
    try {
      blockingExecutor.execute(() -> readInto(result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(Unavailability.of(source, e));
    }
    return result;
  }

  private void readInto(CompletableFuture<SecretRead> result) {
    try {
      SecretValue value = source.read();
      result.complete(new SecretRead(value, ticker.getAsLong(), SecretRead.Outcome.FETCHED));
    } catch (SecretUnavailableException e) {
      result.completeExceptionally(e);
    } catch (RuntimeException e) {
      result.completeExceptionally(Unavailability.of(source, e));
    }
  }
}

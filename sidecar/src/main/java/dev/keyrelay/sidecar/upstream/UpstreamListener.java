package dev.keyrelay.sidecar.upstream;

import io.netty.handler.codec.http.HttpObject;

/** Receives what happens on an upstream connection while one exchange has it; event-loop calls. */
public interface UpstreamListener {

  /** A response head or content; ownership passes to the listener. */
  void onResponse(HttpObject message);

  /** A read batch ended: a good moment to flush towards the client. */
  void onReadComplete();

  /** The upstream can take more request bytes again. */
  void onWritable();

  /** No response bytes for the idle timeout. */
  void onTimeout();

  /** The connection closed or failed; {@code cause} is null for a plain close. */
  void onClosed(Throwable cause);
}

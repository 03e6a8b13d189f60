package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Decides where a request on one client connection goes; fails with a {@link ProxyRejection} when
 * it must not go anywhere. It may rewrite the request line to origin form.
 */
interface TargetSelector {

  CompletableFuture<ExchangeTarget> select(HttpRequest request);
}

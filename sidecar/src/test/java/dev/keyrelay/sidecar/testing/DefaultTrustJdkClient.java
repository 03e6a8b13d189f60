package dev.keyrelay.sidecar.testing;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A JDK {@code HttpClient} run as its own JVM with the JVM's default trust, which system properties
 * such as {@code javax.net.ssl.trustStore} decide. Arguments: proxy port (on 127.0.0.1), URL,
 * header name, header value. Prints the status code, then the body.
 *
 * <p>The proxy is set explicitly because the JDK never proxies loopback hosts through {@code
 * https.proxyHost}, and test upstreams are on loopback.
 */
public final class DefaultTrustJdkClient {

  private DefaultTrustJdkClient() {}

  public static void main(String[] args) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]))))
            .build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(args[1])).header(args[2], args[3]).build(),
            HttpResponse.BodyHandlers.ofString());
    System.out.println(response.statusCode());
    System.out.print(response.body());
  }
}

package dev.keyrelay.sidecar.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * A hand-driven client of the sidecar's proxy port, for what real clients never send: raw bytes
 * inside an intercepted CONNECT tunnel (TLS with the sidecar's CA, HTTP/1.1), and raw responses
 * read back exactly as they came.
 */
public final class RawProxyConnection implements AutoCloseable {

  /** A response as read off the wire; header names lower-cased, the last value of each kept. */
  public record Response(int status, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final InputStream in;

  private RawProxyConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.socket.setSoTimeout(10_000);
    this.in = new BufferedInputStream(socket.getInputStream());
  }

  /** A plain connection to the proxy port, for what an agent sends before any CONNECT. */
  public static RawProxyConnection plain(int proxyPort) throws IOException {
    return new RawProxyConnection(new Socket("127.0.0.1", proxyPort));
  }

  /** Opens {@code CONNECT host:port} and starts TLS inside it, trusting {@code ca}. */
  public static RawProxyConnection intercepted(
      int proxyPort, String host, int port, X509Certificate ca) throws Exception {
    Socket plain = new Socket("127.0.0.1", proxyPort);
    plain.setSoTimeout(10_000);
    String authority = host + ":" + port;
    plain
        .getOutputStream()
        .write(
            ("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    Response established = read(new BufferedInputStream(plain.getInputStream()), true);
    if (established.status() != 200) {
      plain.close();
      throw new IOException("CONNECT answered " + established.status());
    }
    SSLSocket tls =
        (SSLSocket) TestPki.trusting(ca).getSocketFactory().createSocket(plain, host, port, true);
    tls.startHandshake();
    return new RawProxyConnection(tls);
  }

  public RawProxyConnection send(String raw) throws IOException {
    socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  public Response response() throws IOException {
    return read(in, false);
  }

  /** Whether the proxy closed the connection (reads end of stream before the timeout). */
  public boolean closedByPeer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static Response read(InputStream in, boolean headOnly) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String field = line(in); field != null && !field.isEmpty(); field = line(in)) {
      int colon = field.indexOf(':');
      headers.put(
          field.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          field.substring(colon + 1).trim());
    }
    String length = headers.get("content-length");
    if (headOnly || length == null) {
      return new Response(status, headers, "");
    }
    byte[] body = in.readNBytes(Integer.parseInt(length));
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

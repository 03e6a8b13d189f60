package dev.keyrelay.sidecar.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A TLS upstream that parses HTTP/1.1 requests itself, byte by byte, as a strict origin server
 * would (Content-Length or chunked framing, trailers), and records every request it parsed. A
 * request smuggled inside another's body shows up as a record of its own; a request whose body
 * never ended counts as truncated. Each request is answered 200 with a short body on a keep-alive
 * connection.
 */
public final class ParsingUpstream implements AutoCloseable {

  /** One complete request as parsed; header names lower-cased, in arrival order. */
  public record Parsed(
      int connection,
      String method,
      String target,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      List<Map.Entry<String, String>> trailers) {

    public List<String> header(String name) {
      return values(headers, name);
    }

    public List<String> trailer(String name) {
      return values(trailers, name);
    }

    private static List<String> values(List<Map.Entry<String, String>> fields, String name) {
      return fields.stream()
          .filter(e -> e.getKey().equals(name.toLowerCase(Locale.ROOT)))
          .map(Map.Entry::getValue)
          .toList();
    }
  }

  private final ServerSocket server;
  private final List<Parsed> parsed = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger truncated = new AtomicInteger();

  private ParsingUpstream(ServerSocket server) {
    this.server = server;
    Thread acceptor = new Thread(this::accept, "parsing-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static ParsingUpstream https(SSLContext context) throws IOException {
    return new ParsingUpstream(
        context
            .getServerSocketFactory()
            .createServerSocket(0, 64, InetAddress.getLoopbackAddress()));
  }

  public int port() {
    return server.getLocalPort();
  }

  public List<Parsed> requests() {
    return List.copyOf(parsed);
  }

  /** Connections that closed in the middle of a request (its body never completed). */
  public int truncated() {
    return truncated.get();
  }

  public void clear() {
    parsed.clear();
    truncated.set(0);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        int id = connections.incrementAndGet();
        Thread serve = new Thread(() -> serve(socket, id), "parsing-upstream-" + id);
        serve.setDaemon(true);
        serve.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket socket, int id) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      for (Parsed request = read(in, id); request != null; request = read(in, id)) {
        parsed.add(request);
        byte[] body = ("{\"n\":" + parsed.size() + "}").getBytes(StandardCharsets.US_ASCII);
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
      }
    } catch (IOException | RuntimeException incomplete) {
      truncated.incrementAndGet();
    }
  }

  /**
   * Parses the next request from {@code in}.
   *
   * @return the request, or null when the stream ends cleanly before one starts
   * @throws IOException when the stream ends inside a request or the request is malformed
   */
  public static Parsed read(InputStream in, int connection) throws IOException {
    String requestLine = line(in);
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length != 3 || !(parts[2].equals("HTTP/1.1") || parts[2].equals("HTTP/1.0"))) {
      throw new IOException("bad request line");
    }
    List<Map.Entry<String, String>> headers = fields(in);
    List<String> lengths = values(headers, "content-length");
    boolean chunked =
        values(headers, "transfer-encoding").stream()
            .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<Map.Entry<String, String>> trailers = List.of();
    if (chunked) {
      if (!lengths.isEmpty()) {
        throw new IOException("both Content-Length and chunked");
      }
      trailers = chunks(in, body);
    } else if (!lengths.isEmpty()) {
      if (lengths.size() > 1) {
        throw new IOException("several Content-Length fields");
      }
      body.write(exactly(in, Integer.parseInt(lengths.get(0))));
    }
    return new Parsed(connection, parts[0], parts[1], headers, body.toByteArray(), trailers);
  }

  private static List<Map.Entry<String, String>> chunks(InputStream in, ByteArrayOutputStream body)
      throws IOException {
    while (true) {
      String sizeLine = required(in);
      int semicolon = sizeLine.indexOf(';');
      int size = Integer.parseInt(semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon), 16);
      if (size == 0) {
        return fields(in);
      }
      body.write(exactly(in, size));
      if (!required(in).isEmpty()) {
        throw new IOException("chunk longer than its size");
      }
    }
  }

  private static List<Map.Entry<String, String>> fields(InputStream in) throws IOException {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (String field = required(in); !field.isEmpty(); field = required(in)) {
      int colon = field.indexOf(':');
      if (colon <= 0) {
        throw new IOException("bad field line");
      }
      fields.add(
          Map.entry(
              field.substring(0, colon).toLowerCase(Locale.ROOT),
              field.substring(colon + 1).trim()));
    }
    return fields;
  }

  private static List<String> values(List<Map.Entry<String, String>> fields, String name) {
    return fields.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).toList();
  }

  private static byte[] exactly(InputStream in, int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length != n) {
      throw new IOException("body ended early");
    }
    return bytes;
  }

  private static String required(InputStream in) throws IOException {
    String line = line(in);
    if (line == null) {
      throw new IOException("connection ended inside a request");
    }
    return line;
  }

  /** One CRLF-terminated line, or null at the end of the stream before any byte. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    if (line.size() > 0) {
      throw new IOException("connection ended inside a line");
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}

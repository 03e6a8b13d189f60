package dev.keyrelay.sidecar.postgres;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** PostgreSQL wire protocol 3.0 constants, and builders and readers for the messages we need. */
final class PgWire {

  static final int PROTOCOL_3_0 = 196608;
  static final int SSL_REQUEST = 80877103;
  static final int GSSENC_REQUEST = 80877104;
  static final int CANCEL_REQUEST = 80877102;

  /** The server's own limit for a startup packet (MAX_STARTUP_PACKET_LENGTH). */
  static final int MAX_STARTUP_LENGTH = 10_000;

  static final byte AUTHENTICATION = 'R';
  static final byte BACKEND_KEY_DATA = 'K';
  static final byte ERROR_RESPONSE = 'E';
  static final byte READY_FOR_QUERY = 'Z';
  static final byte PASSWORD_MESSAGE = 'p';

  static final int AUTH_OK = 0;
  static final int AUTH_CLEARTEXT = 3;
  static final int AUTH_MD5 = 5;
  static final int AUTH_SASL = 10;
  static final int AUTH_SASL_CONTINUE = 11;
  static final int AUTH_SASL_FINAL = 12;

  private PgWire() {}

  /** A FATAL ErrorResponse. */
  static ByteBuf errorResponse(ByteBufAllocator alloc, String sqlState, String message) {
    ByteBuf body = alloc.buffer();
    field(body, 'S', "FATAL");
    field(body, 'V', "FATAL");
    field(body, 'C', sqlState);
    field(body, 'M', message);
    body.writeByte(0);
    return message(alloc, ERROR_RESPONSE, body);
  }

  static ByteBuf authenticationOk(ByteBufAllocator alloc) {
    return message(alloc, AUTHENTICATION, alloc.buffer(4).writeInt(AUTH_OK));
  }

  /** A StartupMessage for protocol 3.0 with these parameters, in order. */
  static ByteBuf startupMessage(ByteBufAllocator alloc, Map<String, String> parameters) {
    ByteBuf out = alloc.buffer();
    out.writeInt(0).writeInt(PROTOCOL_3_0);
    parameters.forEach(
        (name, value) -> {
          cString(out, name);
          cString(out, value);
        });
    out.writeByte(0);
    return out.setInt(0, out.readableBytes());
  }

  static ByteBuf sslRequest(ByteBufAllocator alloc) {
    return alloc.buffer(8).writeInt(8).writeInt(SSL_REQUEST);
  }

  static ByteBuf cancelRequest(ByteBufAllocator alloc, int processId, int secretKey) {
    return alloc
        .buffer(16)
        .writeInt(16)
        .writeInt(CANCEL_REQUEST)
        .writeInt(processId)
        .writeInt(secretKey);
  }

  /** A PasswordMessage ('p') carrying a null-terminated string (cleartext or MD5). */
  static ByteBuf passwordMessage(ByteBufAllocator alloc, String password) {
    ByteBuf body = alloc.buffer();
    cString(body, password);
    return message(alloc, PASSWORD_MESSAGE, body);
  }

  static ByteBuf saslInitialResponse(ByteBufAllocator alloc, String mechanism, String data) {
    ByteBuf body = alloc.buffer();
    cString(body, mechanism);
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    body.writeInt(bytes.length).writeBytes(bytes);
    return message(alloc, PASSWORD_MESSAGE, body);
  }

  static ByteBuf saslResponse(ByteBufAllocator alloc, String data) {
    return message(
        alloc, PASSWORD_MESSAGE, alloc.buffer().writeBytes(data.getBytes(StandardCharsets.UTF_8)));
  }

  /** Type byte, length, body; releases {@code body}. */
  static ByteBuf message(ByteBufAllocator alloc, byte type, ByteBuf body) {
    try {
      ByteBuf out = alloc.buffer(5 + body.readableBytes());
      return out.writeByte(type).writeInt(4 + body.readableBytes()).writeBytes(body);
    } finally {
      body.release();
    }
  }

  /** Reads a null-terminated UTF-8 string, or throws when there is no terminator. */
  static String readCString(ByteBuf in) {
    int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) 0);
    if (end < 0) {
      throw new IllegalArgumentException("string without terminator");
    }
    String s = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8);
    in.readerIndex(end + 1);
    return s;
  }

  /** The fields of an ErrorResponse or NoticeResponse body, keyed by field type. */
  static Map<Character, String> readFields(ByteBuf body) {
    Map<Character, String> fields = new HashMap<>();
    while (body.isReadable()) {
      byte type = body.readByte();
      if (type == 0) {
        break;
      }
      fields.put((char) type, readCString(body));
    }
    return fields;
  }

  private static void field(ByteBuf out, char type, String value) {
    out.writeByte(type);
    cString(out, value);
  }

  private static void cString(ByteBuf out, String value) {
    ByteBufUtil.writeUtf8(out, value);
    out.writeByte(0);
  }
}

package dev.keyrelay.sidecar.netinit;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of {@code init-network}: {@code --proxy-uid UID [--https-port PORT] [--http-port
 * PORT] [--allow-cidr CIDR]... [--allow-port PORT]... [--dry-run]}; {@code --name value} and {@code
 * --name=value} both work, and the two allow options may repeat.
 */
public record InitNetworkArguments(NetworkPolicy policy, boolean dryRun) {

  public static final String COMMAND = "init-network";
  public static final String USAGE =
      "keyrelay-sidecar init-network --proxy-uid UID [--https-port PORT] [--http-port PORT]"
          + " [--allow-cidr CIDR]... [--allow-port PORT]... [--dry-run]";

  /**
   * Parses the arguments after {@value #COMMAND}; the message of the exception names the option.
   */
  public static InitNetworkArguments parse(List<String> args) {
    Integer uid = null;
    int https = NetworkPolicy.DEFAULT_HTTPS_PORT;
    int http = NetworkPolicy.DEFAULT_HTTP_PORT;
    boolean httpsGiven = false;
    boolean httpGiven = false;
    boolean dryRun = false;
    List<Cidr> cidrs = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--dry-run")) {
        dryRun = true;
        continue;
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      String value =
          equals >= 0 ? arg.substring(equals + 1) : i + 1 < args.size() ? args.get(++i) : "";
      if (value.isEmpty()) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      switch (name) {
        case "--proxy-uid" -> {
          if (uid != null) {
            throw new IllegalArgumentException("--proxy-uid is given twice");
          }
          uid = (int) number(name, value, 0, Integer.MAX_VALUE, "a user id");
        }
        case "--https-port" -> {
          httpsGiven = once(name, httpsGiven);
          https = (int) number(name, value, 1, 65_535, "a port");
        }
        case "--http-port" -> {
          httpGiven = once(name, httpGiven);
          http = (int) number(name, value, 1, 65_535, "a port");
        }
        case "--allow-cidr" -> cidrs.add(parseCidr(value));
        case "--allow-port" -> ports.add((int) number(name, value, 1, 65_535, "a port"));
        default -> throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
      }
    }
    if (uid == null) {
      throw new IllegalArgumentException("--proxy-uid UID is required");
    }
    return new InitNetworkArguments(new NetworkPolicy(uid, https, http, cidrs, ports), dryRun);
  }

  private static boolean once(String name, boolean given) {
    if (given) {
      throw new IllegalArgumentException(name + " is given twice");
    }
    return true;
  }

  private static Cidr parseCidr(String value) {
    try {
      return Cidr.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--allow-cidr: " + e.getMessage());
    }
  }

  private static long number(String name, String value, long min, long max, String what) {
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw new IllegalArgumentException(
        name
            + ": \""
            + value
            + "\" is not valid; expected "
            + what
            + " from "
            + min
            + " to "
            + max);
  }
}

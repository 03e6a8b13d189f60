package dev.keyrelay.sidecar;

import dev.keyrelay.sidecar.config.ConfigOverrides;
import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.netinit.InitNetworkArguments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/** Parses the sidecar's command line; {@code --name value} and {@code --name=value} both work. */
final class SidecarCommandLine {

  static final String USAGE =
      """
      usage: keyrelay-sidecar --config FILE [--config-optional] [--proxy-port PORT]
                              [--admin-listen HOST:PORT] [--ca-dir DIR] [--ca-key-file FILE]
                              [--transparent] [--exit-when-ready]
             keyrelay-sidecar doctor --config FILE [--proxy-port PORT]
             keyrelay-sidecar --wait-for-file FILE [--timeout-seconds N]
      """
          + "       "
          + InitNetworkArguments.USAGE;

  static final Duration DEFAULT_WAIT = Duration.ofSeconds(120);

  private static final String CONFIG = "--config";
  private static final String CONFIG_OPTIONAL = "--config-optional";
  private static final String ADMIN_LISTEN = "--admin-listen";
  private static final String CA_DIR = "--ca-dir";
  private static final String CA_KEY_FILE = "--ca-key-file";
  private static final String PROXY_PORT = "--proxy-port";
  private static final String EXIT_WHEN_READY = "--exit-when-ready";
  private static final String TRANSPARENT = "--transparent";
  private static final String WAIT_FOR_FILE = "--wait-for-file";
  private static final String TIMEOUT_SECONDS = "--timeout-seconds";
  private static final String HELP = "--help";
  private static final String DOCTOR = "doctor";
  private static final Set<String> WITH_VALUE =
      Set.of(CONFIG, PROXY_PORT, ADMIN_LISTEN, CA_DIR, CA_KEY_FILE, WAIT_FOR_FILE, TIMEOUT_SECONDS);
  private static final Set<String> FLAGS =
      Set.of(CONFIG_OPTIONAL, EXIT_WHEN_READY, TRANSPARENT, HELP);
  private static final long MAX_WAIT_SECONDS = 86_400;

  /** A command line that cannot be run, with the reason. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  private SidecarCommandLine() {}

  static SidecarCommand parse(String... args) throws UsageException {
    if (args.length > 0 && args[0].equals(DOCTOR)) {
      return doctor(options(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals(InitNetworkArguments.COMMAND)) {
      try {
        return new SidecarCommand.InitNetwork(
            InitNetworkArguments.parse(Arrays.asList(args).subList(1, args.length)));
      } catch (IllegalArgumentException e) {
        throw new UsageException(InitNetworkArguments.COMMAND + ": " + e.getMessage());
      }
    }
    Map<String, String> given = options(args);
    if (given.containsKey(HELP)) {
      return new SidecarCommand.Help();
    }
    if (given.containsKey(WAIT_FOR_FILE)) {
      List<String> others = new ArrayList<>(given.keySet());
      others.removeAll(List.of(WAIT_FOR_FILE, TIMEOUT_SECONDS));
      if (!others.isEmpty()) {
        throw new UsageException(
            WAIT_FOR_FILE + " cannot be combined with " + String.join(", ", others));
      }
      String seconds = given.get(TIMEOUT_SECONDS);
      return new SidecarCommand.WaitForFile(
          Path.of(given.get(WAIT_FOR_FILE)),
          seconds == null
              ? DEFAULT_WAIT
              : Duration.ofSeconds(
                  number(TIMEOUT_SECONDS, seconds, MAX_WAIT_SECONDS, "a number of seconds")));
    }
    if (given.containsKey(TIMEOUT_SECONDS)) {
      throw new UsageException(TIMEOUT_SECONDS + " needs " + WAIT_FOR_FILE);
    }
    if (!given.containsKey(CONFIG)) {
      throw new UsageException(CONFIG + " FILE is required");
    }
    return new SidecarCommand.Run(
        Path.of(given.get(CONFIG)),
        overrides(given),
        given.containsKey(EXIT_WHEN_READY),
        given.containsKey(CONFIG_OPTIONAL));
  }

  private static SidecarCommand doctor(Map<String, String> given) throws UsageException {
    List<String> others = new ArrayList<>(given.keySet());
    others.removeAll(List.of(CONFIG, PROXY_PORT));
    if (!others.isEmpty()) {
      throw new UsageException(DOCTOR + " takes only " + CONFIG + " and " + PROXY_PORT);
    }
    if (!given.containsKey(CONFIG)) {
      throw new UsageException(DOCTOR + " needs " + CONFIG + " FILE");
    }
    return new SidecarCommand.Doctor(Path.of(given.get(CONFIG)), overrides(given));
  }

  private static ConfigOverrides overrides(Map<String, String> given) throws UsageException {
    String port = given.get(PROXY_PORT);
    return new ConfigOverrides(
        port == null
            ? OptionalInt.empty()
            : OptionalInt.of((int) number(PROXY_PORT, port, 65_535, "a port")),
        given.containsKey(TRANSPARENT),
        adminListen(given.get(ADMIN_LISTEN)),
        path(given.get(CA_DIR)),
        path(given.get(CA_KEY_FILE)));
  }

  private static Path path(String text) {
    return text == null ? null : Path.of(text);
  }

  private static HostPort adminListen(String text) throws UsageException {
    if (text == null) {
      return null;
    }
    try {
      return ConfigOverrides.listenAddress(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(ADMIN_LISTEN + ": " + e.getMessage());
    }
  }

  /** Option name to value (empty for flags), refusing unknown, repeated and valueless options. */
  private static Map<String, String> options(String[] args) throws UsageException {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      String value;
      if (FLAGS.contains(name)) {
        if (equals >= 0) {
          throw new UsageException(name + " takes no value");
        }
        value = "";
      } else if (WITH_VALUE.contains(name)) {
        value = equals >= 0 ? arg.substring(equals + 1) : i + 1 < args.length ? args[++i] : "";
        if (value.isEmpty()) {
          throw new UsageException(name + " needs a value");
        }
      } else {
        throw new UsageException("unknown argument \"" + arg + "\"");
      }
      if (given.put(name, value) != null) {
        throw new UsageException(name + " is given twice");
      }
    }
    return given;
  }

  /** A whole number from 1 to {@code max}. */
  private static long number(String name, String value, long max, String what)
      throws UsageException {
    try {
      long n = Long.parseLong(value);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted range
    }
    throw new UsageException(
        name + ": \"" + value + "\" is not valid; expected " + what + " from 1 to " + max);
  }
}

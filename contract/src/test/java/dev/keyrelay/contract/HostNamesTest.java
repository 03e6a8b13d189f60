package dev.keyrelay.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostNamesTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "API.Example.COM.        | api.example.com",
        "bücher.example          | xn--bcher-kva.example",
        "XN--BCHER-KVA.example   | xn--bcher-kva.example",
        "[FD00::1]               | fd00::1",
        "10.0.0.1                | 10.0.0.1",
      })
  void aHostReadsToItsCanonicalName(String host, String canonical) {
    assertThat(HostNames.canonical(host)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a..b      | invalid host 'a..b'",
        "-a.b      | invalid host '-a.b'",
        "a_b.c     | invalid host 'a_b.c'",
        "a b       | invalid host 'a b'",
        "'.'       | empty host",
      })
  void aBadHostIsRefusedNamingIt(String host, String message) {
    assertThatThrownBy(() -> HostNames.canonical(host))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  /**
   * Plain ASCII names skip {@link IDN}; every short name over letters, digits, hyphens, dots and
   * characters IDN refuses or maps (a trailing dot aside, which is dropped first) must come out as
   * IDN makes it, or be refused where IDN refuses it.
   */
  @Test
  void theAsciiShortcutAgreesWithIdnOnEveryShortName() {
    List<String> names = new ArrayList<>();
    names.add("a".repeat(63) + ".b");
    names.add("a".repeat(64) + ".b");
    names.add("b." + "a".repeat(64));
    extend("", "aZ0-._\u00fc", 5, names);
    names.removeIf(name -> name.isEmpty() || name.endsWith("."));
    for (String name : names) {
      assertThat(outcome(() -> HostNames.canonical(name)))
          .as(name)
          .isEqualTo(
              outcome(() -> IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT)));
    }
    assertThat(names.size()).isGreaterThan(15_000);
  }

  /** The name made, or "refused". */
  private static String outcome(Supplier<String> canonical) {
    try {
      return canonical.get();
    } catch (IllegalArgumentException e) {
      return "refused";
    }
  }

  private static void extend(String prefix, String alphabet, int depth, List<String> into) {
    into.add(prefix);
    if (depth == 0) {
      return;
    }
    for (char c : alphabet.toCharArray()) {
      extend(prefix + c, alphabet, depth - 1, into);
    }
  }
}

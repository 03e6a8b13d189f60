package dev.keyrelay.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternTest {

  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource({
    "/user, /user, true",
    "/user, /user/, false",
    "/user, /users, false",
    "/user, /user/x, false",
    "/repos/*/issues, /repos/acme/issues, true",
    "/repos/*/issues, /repos/acme/x/issues, false",
    "/repos/*/issues, /repos//issues, false",
    "/repos/*, /repos/, false",
    "/repos/acme/**, /repos/acme, true",
    "/repos/acme/**, /repos/acme/, true",
    "/repos/acme/**, /repos/acme/a/b/c, true",
    "/repos/acme/**, /repos/acmex, false",
    "/repos/acme/**, /repos/other/../acme/x, true",
    "/repos/acme/**, /repos/acme/../other, false",
    "/repos/acme/**, /repos/acme/%2e%2e/other, false",
    "/**/pulls, /repos/acme/pulls, true",
    "/**/pulls, /pulls, true",
    "/**/pulls, /repos/acme/pulls/1, false",
    "/a/**/b/*, /a/x/y/b/z, true",
    "/a~b, /a%7Eb, true",
    "/a%7eb, /a~b, true",
    "/**, /, true",
    "/, /, true",
    "/, /x, false",
  })
  void matchesNormalisedPaths(String pattern, String path, boolean expected) throws Exception {
    assertThat(PathPattern.parse(pattern).matches(PathNormalizer.normalize(path)))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"user", "/a//b", "/a/./b", "/a/../b", "/v1*", "/a/b**", "/a?x=1", "/a%2Fb", "/.."})
  void refusesPatternsThatCannotBeMeant(String pattern) {
    assertThatThrownBy(() -> PathPattern.parse(pattern))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

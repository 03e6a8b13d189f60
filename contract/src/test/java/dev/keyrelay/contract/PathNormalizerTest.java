package dev.keyrelay.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/, /",
    "/user, /user",
    "/user/, /user/",
    "/user?tab=repos, /user",
    "/repos//acme///x, /repos/acme/x",
    "//user, /user",
    "/repos/./acme, /repos/acme",
    "/repos/acme/.., /repos/",
    "/repos/other/../acme/x, /repos/acme/x",
    "/repos/%2e%2e/user, /user",
    "/repos/%2E%2e/user, /user",
    "/repos/.%2E/user, /user",
    "/%7euser/%41b, /~user/Ab",
    "/a%2db%5fc, /a-b_c",
    "/caf%c3%a9, /caf%C3%A9",
    "/q%3fx, /q%3Fx",
    "/a;b/c, /a;b/c",
    "/a/b/., /a/b/",
  })
  void normalises(String raw, String expected) throws Exception {
    assertThat(PathNormalizer.normalize(raw).path()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/..",
        "/../etc/passwd",
        "/repos/../../user",
        "/%2e%2e/user",
        "/repos/%2F../user",
        "/repos%2fuser",
        "/repos%5cuser",
        "/repos\\user",
        "/repos/..;/admin",
        "/repos/.;x/admin",
        "/repos/%2e%2e;/admin",
        "/a%00b",
        "/a%0ab",
        "/a%1",
        "/a%zz",
        "/a b",
        "/a#frag",
        "/caf\u00e9",
        "*",
        "relative/path",
      })
  void refusesWhatServersReadApart(String raw) {
    assertThatThrownBy(() -> PathNormalizer.normalize(raw))
        .isInstanceOf(RefusedPathException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a//", "/a/", "/a/."})
  void keepsOneTrailingSlashAsAnEmptyLastSegment(String raw) throws Exception {
    assertThat(PathNormalizer.normalize(raw).segments()).containsExactly("a", "");
  }
}

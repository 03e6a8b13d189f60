package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StsAnswerTest {

  @Test
  void readsTheElementsOfAnAnswerInStsNamespace() {
    StsAnswer answer =
        StsAnswer.parse(
            """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error><Type>Sender</Type><Code> InvalidIdentityToken </Code></Error>
            </ErrorResponse>
            """
                .getBytes(StandardCharsets.UTF_8));

    assertThat(answer.text("Code")).isEqualTo("InvalidIdentityToken");
    assertThat(answer.text("AccessKeyId")).isNull();
  }

  @Test
  void aDocumentTypeDeclarationIsRefusedSoNoEntityIsExpandedOrFetched() {
    byte[] xxe =
        """
        <?xml version="1.0"?>
        <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
        <r><Code>&x;</Code></r>
        """
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> StsAnswer.parse(xxe)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StsAnswer.parse("not xml".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.keyrelay.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.contract.ReservedHeaders;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CEL list literals in the CRD's rules name exactly the Java lists they copy. */
class CelListsTest {

  @Test
  void reservedHeaders() {
    assertThat(elements(ReservedHeaders.CEL_LIST)).isEqualTo(ReservedHeaders.NAMES);
  }

  @Test
  void reservedAgentVariables() {
    assertThat(elements(CredentialRouteSpec.RESERVED_AGENT_ENV_CEL))
        .isEqualTo(CredentialRouteSpec.RESERVED_AGENT_ENV);
  }

  private static List<String> elements(String celList) {
    assertThat(celList).startsWith("[").endsWith("]");
    return Arrays.stream(celList.substring(1, celList.length() - 1).split(","))
        .map(String::strip)
        .map(e -> e.substring(1, e.length() - 1))
        .toList();
  }
}

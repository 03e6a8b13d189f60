package dev.keyrelay.sidecar.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

class JsonLogConfiguratorTest {

  @Test
  void theLevelVariableTakesAnyCaseAndFallsBackToInfo() {
    assertThat(JsonLogConfigurator.level("debug")).isEqualTo(Level.DEBUG);
    assertThat(JsonLogConfigurator.level(" WARN ")).isEqualTo(Level.WARN);
    assertThat(JsonLogConfigurator.level("off")).isEqualTo(Level.OFF);
    assertThat(JsonLogConfigurator.level(null)).isEqualTo(Level.INFO);
    assertThat(JsonLogConfigurator.level("verbose")).isEqualTo(Level.INFO);
  }
}

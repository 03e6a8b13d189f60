package dev.keyrelay.sidecar.secrets;

import java.util.function.Function;

/** A secret held in an environment variable of the sidecar process (standalone use). */
public final class EnvSecretSource implements SecretSource {

  private final String variable;
  private final Function<String, String> environment;

  public EnvSecretSource(String variable) {
    this(variable, System::getenv);
  }

  /**
   * Creates a source reading through {@code environment}.
   *
   * @param environment returns a variable's value, or null when it is not set
   */
  public EnvSecretSource(String variable, Function<String, String> environment) {
    this.variable = variable;
    this.environment = environment;
  }

  @Override
  public SecretValue read() throws SecretUnavailableException {
    String value = environment.apply(variable);
    if (value == null || value.isEmpty()) {
      throw new SecretUnavailableException("environment variable " + variable + " is not set");
    }
    return SecretValue.checked(value, describe());
  }

  @Override
  public String describe() {
    return "env " + variable;
  }

  @Override
  public boolean inMemory() {
    return true;
  }
}

package dev.keyrelay.sidecar.secrets;

import java.util.function.Function;

/** A secret held in an environment variable of the sidecar process (standalone use). */
public final class EnvSecretSource implements SecretSource {

  private final String variable;
  private final Function<String, String> environment;
  private final SecretValue.Form form;

  public EnvSecretSource(String variable) {
    this(variable, System::getenv);
  }

  /** Creates a source whose value may be a {@link SecretValue.Form#DOCUMENT}. */
  public EnvSecretSource(String variable, SecretValue.Form form) {
    this(variable, System::getenv, form);
  }

  /**
   * Creates a source reading through {@code environment}.
   *
   * @param environment returns a variable's value, or null when it is not set
   */
  public EnvSecretSource(String variable, Function<String, String> environment) {
    this(variable, environment, SecretValue.Form.LINE);
  }

  private EnvSecretSource(
      String variable, Function<String, String> environment, SecretValue.Form form) {
    this.variable = variable;
    this.environment = environment;
    this.form = form;
  }

  @Override
  public SecretValue read() throws SecretUnavailableException {
    String value = environment.apply(variable);
    if (value == null || value.isEmpty()) {
      throw new SecretUnavailableException("environment variable " + variable + " is not set");
    }
    return SecretValue.checked(value, describe(), form);
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

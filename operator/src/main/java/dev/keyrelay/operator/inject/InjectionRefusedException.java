package dev.keyrelay.operator.inject;

/** An opted-in pod that cannot be injected as asked; the message is shown to the user as is. */
public final class InjectionRefusedException extends IllegalArgumentException {

  public InjectionRefusedException(String message) {
    super(message);
  }
}

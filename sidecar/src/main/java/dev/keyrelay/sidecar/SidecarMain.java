package dev.keyrelay.sidecar;

/** Entry point placeholder. */
public final class SidecarMain {
  public static void main(String[] args) {}
}

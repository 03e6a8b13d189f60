package dev.keyrelay.operator.route;

/**
 * Why a valid route that holds its host or port is nevertheless left out of the published config.
 *
 * @param reason a CamelCase condition reason, e.g. {@code VaultNotConfigured}
 * @param message what to do about it
 */
public record Withheld(String reason, String message) {}

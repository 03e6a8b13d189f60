package dev.keyrelay.sidecar.secrets;

import java.time.Duration;

/**
 * A token as an issuer answered it.
 *
 * @param lifetime how long it is valid from the moment it was asked for, or null when the issuer
 *     did not say (OAuth 2.0 makes {@code expires_in} optional)
 */
record IssuedToken(SecretValue value, Duration lifetime) {}

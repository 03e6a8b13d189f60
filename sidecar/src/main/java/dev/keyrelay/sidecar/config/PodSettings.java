package dev.keyrelay.sidecar.config;

import java.nio.file.Path;

/**
 * Where the pod's own labels and annotations are (downward-API files), from the {@code pod} block.
 * Without the block (a laptop) every route applies.
 */
public record PodSettings(Path labelsFile, Path annotationsFile) {}

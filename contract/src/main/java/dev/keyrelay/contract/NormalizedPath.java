package dev.keyrelay.contract;

import java.util.List;

/**
 * A request path after {@link PathNormalizer}: the form rules are matched against and the form sent
 * upstream, so the upstream reads exactly the path that was checked.
 *
 * @param segments the segments between slashes; a trailing slash leaves a last empty segment
 */
public record NormalizedPath(String path, List<String> segments) {

  public NormalizedPath {
    segments = List.copyOf(segments);
  }
}

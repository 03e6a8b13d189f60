package dev.keyrelay.delivery.images;

/** A base image reference as written after FROM: {@code name[:tag][@digest]}. */
final class ImageReference {

  private ImageReference() {}

  /** True when the reference names a digest, or a tag other than {@code latest}. */
  static boolean pinned(String reference) {
    if (reference.contains("$")) {
      return false;
    }
    if (reference.contains("@sha256:")) {
      return true;
    }
    int slash = reference.lastIndexOf('/');
    int colon = reference.lastIndexOf(':');
    // A colon before the last slash belongs to a registry port (registry:5000/name), not a tag.
    if (colon <= slash) {
      return false;
    }
    String tag = reference.substring(colon + 1);
    return !tag.isEmpty() && !tag.equals("latest");
  }
}

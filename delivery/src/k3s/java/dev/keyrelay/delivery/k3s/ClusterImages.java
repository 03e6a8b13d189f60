package dev.keyrelay.delivery.k3s;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.MountableFile;

/**
 * Builds an image from one of the repository's Dockerfiles with the local Docker engine and imports
 * it into k3s's containerd, so pods use it without a registry.
 */
final class ClusterImages {

  static final String TAG = "k3s-it";

  private ClusterImages() {}

  /**
   * @param dockerfile the Dockerfile, relative to the repository root (the build context)
   * @param repository the image name without tag
   * @return the image reference pods can use
   */
  static String buildAndImport(K3sContainer k3s, Path root, String dockerfile, String repository)
      throws Exception {
    String image = repository + ":" + TAG;
    // The Dockerfile's directory, the repository root, is the context, with its .dockerignore.
    new ImageFromDockerfile(image).withDockerfile(root.resolve(dockerfile)).get();

    Path tar = Files.createTempFile("keyrelay-image", ".tar");
    try (InputStream saved = DockerClientFactory.instance().client().saveImageCmd(image).exec()) {
      Files.copy(saved, tar, StandardCopyOption.REPLACE_EXISTING);
    }
    String inContainer = "/tmp/" + tar.getFileName();
    k3s.copyFileToContainer(MountableFile.forHostPath(tar), inContainer);
    Files.delete(tar);
    ExecResult imported =
        k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", inContainer);
    if (imported.getExitCode() != 0) {
      throw new IllegalStateException("ctr images import " + image + ": " + imported.getStderr());
    }
    return image;
  }
}

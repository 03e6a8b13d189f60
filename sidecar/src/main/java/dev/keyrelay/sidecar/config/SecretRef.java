package dev.keyrelay.sidecar.config;

import java.nio.file.Path;

/** Where a route's secret value comes from; exactly one kind per route. */
public sealed interface SecretRef {

  /** A short description for logs and errors; never the value. */
  String describe();

  /** An environment variable of the sidecar process (standalone use). */
  record Env(String variable) implements SecretRef {
    @Override
    public String describe() {
      return "env " + variable;
    }
  }

  /**
   * A file whose whole content (trailing newline trimmed) is the value; symlink swaps are followed.
   */
  record File(Path path) implements SecretRef {
    @Override
    public String describe() {
      return "file " + path;
    }
  }

  /** A key of a Kubernetes Secret mounted into the sidecar at {@code <mountRoot>/<name>/<key>}. */
  record Kubernetes(String name, String key, Path mountRoot) implements SecretRef {
    public Path path() {
      return mountRoot.resolve(name).resolve(key);
    }

    @Override
    public String describe() {
      return "kubernetes secret " + name + "/" + key;
    }
  }

  /**
   * A field of a Vault KV v2 secret.
   *
   * @param path the API path under {@code /v1/} with the mount's {@code data} segment, e.g. {@code
   *     secret/data/agents/internal}
   */
  record Vault(String path, String field) implements SecretRef {
    @Override
    public String describe() {
      return "vault secret " + path + " field " + field;
    }
  }
}

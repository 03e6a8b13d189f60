package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MemoryFileSystemsTest {

  @Test
  void tmpfsAndRamfsHoldFilesInMemory() {
    assertThat(MemoryFileSystems.isMemoryType("tmpfs")).isTrue();
    assertThat(MemoryFileSystems.isMemoryType("ramfs")).isTrue();
    assertThat(MemoryFileSystems.isMemoryType("ext4")).isFalse();
    assertThat(MemoryFileSystems.isMemoryType("nfs4")).isFalse();
    assertThat(MemoryFileSystems.isMemoryType("overlay")).isFalse();
  }

  @Test
  void aFileNotYetWrittenIsJudgedByTheDirectoryAboveIt() throws Exception {
    Path shm = Path.of("/dev/shm");
    Prerequisites.require(
        Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"),
        "a tmpfs at /dev/shm");

    assertThat(MemoryFileSystems.holds(shm.resolve("keyrelay-missing/secret/token"))).isTrue();
  }
}

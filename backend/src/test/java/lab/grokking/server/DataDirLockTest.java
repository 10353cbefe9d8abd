package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import lab.grokking.server.store.Backups;
import lab.grokking.server.store.DataDirLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One server per data directory: a second one, in this JVM or another process, refuses in one sentence. */
class DataDirLockTest {
    @Test
    void aSecondServerOnTheSameDataDirectoryRefusesInOneSentence(@TempDir Path data) {
        try (TestServer s = new TestServer(data)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TestServer(data));
            assertEquals(
                    "another Grokking Lab server (pid "
                            + ProcessHandle.current().pid() + ") is using "
                            + data.toAbsolutePath().normalize() + "; stop it or choose another GROKLAB_DATA_DIR",
                    e.getMessage());
            assertEquals(200, s.get("/api/runs").status(), "the first one still serves");
        }
        try (TestServer again = new TestServer(data)) { // closing released the lock
            assertEquals(200, again.get("/api/runs").status());
        }
    }

    /** The lock of another process (the real case; within one JVM the lock table answers). */
    @Test
    void aLockHeldByAnotherProcessIsRefusedWithItsPid(@TempDir Path data, @TempDir Path b) throws Exception {
        Path backup;
        try (TestServer s = new TestServer(data)) {
            s.awaitEnd(s.start(TestServer.mcConfig(2000, 41)), 60);
            backup = Backups.backup(data, b.resolve("x.db")).file();
        }
        String cp = Path.of(DataDirLock.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                + File.pathSeparator
                + Path.of(LockHolder.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI());
        Process holder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        cp,
                        LockHolder.class.getName(),
                        data.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            assertEquals("locked", new String(holder.getInputStream().readNBytes(6)));
            IllegalStateException server = assertThrows(IllegalStateException.class, () -> new TestServer(data));
            assertTrue(
                    server.getMessage().startsWith("another Grokking Lab server (pid " + holder.pid() + ") is using "),
                    server.getMessage());
            String before = BackupTest.sha256(data.resolve("runs.db"));
            IllegalStateException restore =
                    assertThrows(IllegalStateException.class, () -> Backups.restore(data, backup));
            assertEquals(
                    "another Grokking Lab server (pid " + holder.pid() + ") is using "
                            + data.toAbsolutePath().normalize() + "; stop it before restoring (it holds "
                            + data.toAbsolutePath().normalize().resolve(".lock") + ")",
                    restore.getMessage());
            assertEquals(before, BackupTest.sha256(data.resolve("runs.db")));
        } finally {
            holder.getOutputStream().close(); // the holder exits at the end of its input
            holder.waitFor();
        }
        try (TestServer s = new TestServer(data)) {
            assertEquals(200, s.get("/api/runs").status(), "the lock went with its process");
        }
    }

    /** Holds DataDirLock on args[0] until its standard input ends. */
    public static final class LockHolder {
        public static void main(String[] args) throws IOException {
            try (var lock = DataDirLock.acquire(Path.of(args[0]), "test")) {
                System.out.print("locked");
                System.out.flush();
                System.in.readAllBytes();
            }
        }
    }
}

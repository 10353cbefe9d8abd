package lab.grokking.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as a process (this module's classes; e2e-tests drives the packaged jar) failing to start: the exit
 * status is not 0 and stderr is one line, "error: " and the sentence, with no stack trace.
 */
class StartupFailureTest {
    @TempDir
    Path dir;

    record Result(int exit, List<String> err) {}

    /** {@code Main serve} in a new JVM with these GROKLAB_PORT and GROKLAB_DATA_DIR. */
    Result serve(String port, Path dataDir) throws IOException, InterruptedException {
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED", // SQLite's native library: no JVM warning on stderr
                        "-cp",
                        System.getProperty("java.class.path"),
                        "lab.grokking.cli.Main",
                        "serve")
                .directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile());
        pb.environment().put("GROKLAB_PORT", port);
        pb.environment().put("GROKLAB_DATA_DIR", dataDir.toString());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("serve did not exit within 60 s; stderr: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readAllLines(err));
    }

    static void oneLine(Result r, String expected) {
        assertNotEquals(0, r.exit(), "exit status");
        assertEquals(List.of("error: " + expected), r.err(), "stderr is the one sentence");
        String all = String.join("\n", r.err());
        assertFalse(all.contains("at lab.") || all.contains("Exception"), "no stack trace: " + all);
    }

    @Test
    void aPortInUse() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            int port = busy.getLocalPort();
            oneLine(
                    serve(String.valueOf(port), dir.resolve("data")),
                    "port " + port + " is already in use; stop the other process or set GROKLAB_PORT");
        }
    }

    @Test
    void aDataDirectoryThatCannotBeCreated() throws Exception {
        Path data = Files.writeString(dir.resolve("a-file"), "x").resolve("data"); // fails for root too
        oneLine(
                serve("0", data),
                "cannot write to the data directory " + data
                        + " (not a directory); set GROKLAB_DATA_DIR to a writable directory");
    }

    @Test
    void aBadSetting() throws Exception {
        oneLine(serve("seventy", dir.resolve("data")), "port must be an integer in [0, 65535], got 'seventy'");
    }

    @Test
    void aDamagedStore() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.write(data.resolve("runs.db"), new byte[8192]); // zeros: no SQLite header
        Result r = serve("0", data);
        assertEquals(1, r.err().size(), r.err().toString());
        assertTrue(r.err().getFirst().startsWith("error: the run store " + data.resolve("runs.db") + " is damaged"));
        oneLine(r, r.err().getFirst().substring("error: ".length()));
    }
}

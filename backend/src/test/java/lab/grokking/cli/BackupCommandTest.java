package lab.grokking.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import lab.grokking.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lab backup} and {@code lab restore}: exit codes and what they print. */
class BackupCommandTest {
    record Result(int exit, String out, String err) {}

    static Result cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void backupWhileTheServerRunsThenRestoreIntoAnotherDirectory(
            @TempDir Path data, @TempDir Path b, @TempDir Path other) throws Exception {
        Path file = b.resolve("nightly.db");
        String id;
        try (TestServer s = new TestServer(data)) {
            id = s.start(TestServer.mcConfig(2000, 51));
            s.awaitEnd(id, 60);
            Result r = cli("backup", "--data-dir", data.toString(), "--out", file.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(
                    r.out()
                            .matches("wrote " + Pattern.quote(file.toString())
                                    + ": \\d+\\.\\d KiB, 1 run, in \\d+ ms\\n"),
                    r.out());
            System.out.print("cli: " + r.out());

            Result again = cli("backup", "--data-dir", data.toString(), "--out", file.toString());
            assertEquals(1, again.exit());
            assertEquals("error: " + file + " exists; a backup never overwrites a file, choose another\n", again.err());

            Result busy = cli("restore", "--data-dir", data.toString(), file.toString());
            assertEquals(1, busy.exit());
            assertTrue(
                    busy.err()
                            .startsWith("error: another Grokking Lab server (pid "
                                    + ProcessHandle.current().pid() + ") is using " + data),
                    busy.err());
        }

        Result none = cli(
                "backup",
                "--data-dir",
                other.resolve("nothing").toString(),
                "--out",
                b.resolve("x.db").toString());
        assertEquals(1, none.exit());
        assertEquals("error: no run store at " + other.resolve("nothing/runs.db") + "\n", none.err());
        assertFalse(Files.exists(b.resolve("x.db")));

        Path junk = Files.writeString(b.resolve("junk.db"), "not a database");
        Result bad = cli("restore", "--data-dir", other.toString(), junk.toString());
        assertEquals(1, bad.exit());
        assertEquals("error: " + junk + " is not a SQLite database; nothing was changed\n", bad.err());

        Result restored = cli("restore", "--data-dir", other.toString(), file.toString());
        assertEquals(0, restored.exit(), restored.err());
        assertEquals(
                "restored " + file + " into " + other.resolve("runs.db") + " (1 run)\n"
                        + "start the server: unfinished runs resume from their last checkpoints\n",
                restored.out());
        Result over = cli("restore", "--data-dir", other.toString(), file.toString());
        assertEquals(0, over.exit(), over.err());
        assertTrue(
                over.out().contains("the previous store is kept as " + other.resolve("runs.db.before-restore-")),
                over.out());
        try (TestServer s = new TestServer(other)) {
            assertEquals(
                    "FINISHED", s.get("/api/runs/" + id).json().get("status").asText());
        }
    }

    @Test
    void backupNeedsOut() {
        Result r = cli("backup");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing required option: '--out=FILE'"), r.err());
    }
}

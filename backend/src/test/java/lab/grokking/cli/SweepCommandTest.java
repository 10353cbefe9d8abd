package lab.grokking.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import lab.grokking.server.SweepsApiTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lab sweep --config FILE}: one line per member with its outcome, then the law's fit; bad grids exit 2. */
class SweepCommandTest {
    @Test
    void aSweepFilePrintsEachMembersOutcomeAndTheLaw(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sweep.json");
        Files.writeString(
                file,
                SweepsApiTest.sweep("{\"alpha\":[10,30,100]}", "[1]").replace("\"steps\":4000", "\"steps\":3000"));
        BackupCommandTest.Result r = BackupCommandTest.cli("sweep", "--config", file.toString());
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(4, lines.length, r.out());
        for (int i = 0; i < 3; i++) {
            assertTrue(lines[i].startsWith("member " + i + " (alpha="), lines[i]);
            assertTrue(lines[i].contains(": grokked, fit step "), lines[i]);
        }
        assertTrue(
                lines[3].matches("law: λη·k\\* = [0-9.]+·ln α [+-][0-9.]+ over 3 grokked members; R² = .*"), lines[3]);
        assertTrue(r.err().startsWith("t: 3 members, estimated "), r.err());
    }

    @Test
    void aBadGridExitsWithTwoNamingTheAxis(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sweep.json");
        Files.writeString(file, SweepsApiTest.sweep("{\"alpha\":[]}", null));
        BackupCommandTest.Result r = BackupCommandTest.cli("sweep", "--config", file.toString());
        assertEquals(2, r.exit());
        assertEquals("invalid config: axes.alpha: empty; give at least one value\n", r.err());
    }
}

package lab.grokking.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's estimate corrections in the data directory: kept across restarts, a damaged file costs only the corrections. */
class FileThroughputLogTest {
    @TempDir
    Path dir;

    @Test
    void savedCorrectionsAreLoadedByTheNextProcess() {
        new FileThroughputLog(dir).save("modadd/vector/12", 1.75);
        new FileThroughputLog(dir).save("diag/sparse-bits/19", 0.5); // a second process adds to what is on disk
        FileThroughputLog next = new FileThroughputLog(dir);
        assertEquals(Map.of("modadd/vector/12", 1.75, "diag/sparse-bits/19", 0.5), next.load());
        assertFalse(Files.exists(dir.resolve("throughput.properties.tmp")), "written whole, then moved into place");
    }

    @Test
    void aDamagedFileIsIgnoredNotFatal() throws Exception {
        Files.writeString(dir.resolve("throughput.properties"), "modadd/vector/12=fast\ndiag/x/1=-3\nmc/y/2=\\u00zz\n");
        assertEquals(Map.of(), new FileThroughputLog(dir).load());
        Files.writeString(dir.resolve("throughput.properties"), "modadd/vector/12=fast\nmc/observed-entries/8=1.25\n");
        assertEquals(Map.of("mc/observed-entries/8", 1.25), new FileThroughputLog(dir).load());
    }

    @Test
    void anUnwritableDirectoryCostsTheCorrectionNotTheRun() throws Exception {
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        new FileThroughputLog(file).save("modadd/vector/12", 2); // logged, not thrown
        assertEquals(Map.of(), new FileThroughputLog(file).load());
    }
}

package lab.grokking.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the packaged jar as a user does: a separate JVM, command-line arguments, files out. */
class CliIT {
    record Result(int exit, String out, String err) {}

    static Result jar(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                System.getProperty("groklab.java"),
                "--add-modules",
                "jdk.incubator.vector",
                "-jar",
                System.getProperty("groklab.jar")));
        cmd.addAll(List.of(args));
        Path out = workDir.resolve("stdout.txt"), err = workDir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "CLI did not finish in 120 s: " + cmd);
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void classroomFig1aWritesCsvJsonAndPngAndIsReproducibleAcrossProcesses(@TempDir Path dir) throws Exception {
        Result a = jar(dir, "reproduce", "fig1a", "--scale", "classroom", "--out", "a");
        assertEquals(0, a.exit(), a.err());
        Result b = jar(dir, "reproduce", "fig1a", "--scale", "classroom", "--out", "b");
        assertEquals(0, b.exit(), b.err());
        List<String> csv = Files.readAllLines(dir.resolve("a/metrics.csv"));
        assertTrue(
                csv.getFirst().startsWith("step,time,train_loss,test_loss,train_acc,test_acc,norm,"), csv.getFirst());
        assertEquals(
                Files.readString(dir.resolve("a/metrics.csv")),
                Files.readString(dir.resolve("b/metrics.csv")),
                "same config + seed → same bytes");
        String[] header = csv.getFirst().split(",", -1), last = csv.getLast().split(",", -1);
        int testAcc = List.of(header).indexOf("test_acc");
        assertTrue(Double.parseDouble(last[testAcc]) > 0.9, "classroom fig1a groks: final test acc " + last[testAcc]);
        String json = Files.readString(dir.resolve("a/run.json"));
        for (String key : new String[] {
            "\"provenance\"", "\"code_version\"", "\"seed\"", "\"config\"", "\"early_predictor\"", "\"late_predictor\""
        }) assertTrue(json.contains(key), "run.json lacks " + key);
        byte[] png = Files.readAllBytes(dir.resolve("a/figure.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        assertTrue(a.err().contains("ETA"), "progress bar with ETA on the terminal");
    }

    @Test
    void classroomFig3WritesRegressionColumnsAndMatrixSnapshots(@TempDir Path dir) throws Exception {
        Result r = jar(dir, "reproduce", "fig3", "--scale", "classroom", "--out", "c");
        assertEquals(0, r.exit(), r.err());
        List<String> csv = Files.readAllLines(dir.resolve("c/metrics.csv"));
        assertTrue(csv.getFirst().startsWith("step,time,train_mse,test_mse,norm,"), csv.getFirst());
        String[] header = csv.getFirst().split(",", -1), last = csv.getLast().split(",", -1);
        double testMse = Double.parseDouble(last[List.of(header).indexOf("test_mse")]);
        assertTrue(testMse < 1e-3, "classroom fig3 recovers the table: final test MSE " + testMse);
        var snapshots =
                new ObjectMapper().readTree(dir.resolve("c/run.json").toFile()).get("snapshots");
        int d = snapshots.get("d").asInt(), count = snapshots.get("steps").size();
        assertTrue(count >= 20, "about 30 snapshots: " + count);
        assertEquals((long) count * d * d * Float.BYTES, Files.size(dir.resolve("c/snapshots.f32")));
    }

    @Test
    void aBadConfigFileFailsFastNamingTheField(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.json"), "{\"task\":\"diag\",\"k\":4,\"n\":-1}", StandardCharsets.UTF_8);
        Result r = jar(dir, "run", "--config", "bad.json");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("k: must be odd") && r.err().contains("n: must be in [1, 2048], got -1"), r.err());
        assertFalse(r.err().contains("Exception"), "no stack trace for bad input: " + r.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written for a rejected config");
    }

    @Test
    void anUnknownFigureListsTheKnownOnes(@TempDir Path dir) throws Exception {
        Result r = jar(dir, "reproduce", "fig9");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("fig1a-classroom") && r.err().contains("fig1b-paper"), r.err());
    }
}

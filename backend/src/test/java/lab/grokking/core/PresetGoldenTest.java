package lab.grokking.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.task.Estimates;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every preset's metrics, bit for bit, against series recorded before the TaskSpec refactor: the first 10⁴ steps of
 * each classroom preset and the first 10³ of each paper preset (10² for a paper preset whose 10³ steps are estimated
 * at over 20 s here — modular addition at p = 97, width 1024; {@code -Dgolden.full=true} runs them to 10³ too). {@code -Dgolden.record=true}
 * writes the files instead of comparing (only for a deliberate change of numbers, with the reason in the commit).
 */
class PresetGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/golden");
    private static final boolean RECORD = Boolean.getBoolean("golden.record");
    private static final boolean FULL = Boolean.getBoolean("golden.full");

    static Stream<Presets.Preset> presets() {
        return Presets.all().stream();
    }

    /** Steps compared: see the class comment. */
    static long prefix(Presets.Preset p) {
        if (p.scale().equals("classroom")) return 10_000;
        ObjectNode cfg = p.config().deepCopy();
        cfg.put("steps", 1_000);
        return !FULL && Estimates.inMemory().seconds(Configs.parse(cfg)) > 20 ? 100 : 1_000;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void metricsAreBitIdenticalToTheRecordedSeries(Presets.Preset p) throws IOException {
        ObjectNode cfg = p.config().deepCopy();
        long steps = Math.min(cfg.get("steps").asLong(), prefix(p));
        cfg.put("steps", steps);
        RunResult r = Configs.parse(cfg).newTask().run(RunListener.NONE);
        StringBuilder csv = new StringBuilder(String.join(",", r.metrics().columns())).append('\n');
        for (double[] row : r.metrics().rows()) csv.append(MetricTable.csvLine(row));
        Path file = DIR.resolve(p.id() + "-" + steps + ".csv");
        if (RECORD) {
            Files.writeString(file, csv);
            return;
        }
        String expected = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(expected, csv.toString(), p.id() + ": metrics differ from " + file);
    }
}

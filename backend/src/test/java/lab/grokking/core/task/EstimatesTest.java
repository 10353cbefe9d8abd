package lab.grokking.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;
import org.junit.jupiter.api.Test;

/** The one "how long": the cost model, corrected per (task, kernel, size class) by the runs that finished here. */
class EstimatesTest {
    /** Modular addition at classroom size (about 40 s in the model), width 256 or 1024 (another size class). */
    static RunConfig modadd(int width, long seed) {
        return Configs.parse("{\"task\":\"modadd\",\"p\":31,\"trainFraction\":0.7,\"width\":" + width
                + ",\"lr\":1,\"weightDecay\":0.001," + "\"steps\":20000,\"evalPerDecade\":20,\"seed\":" + seed + "}");
    }

    /** A log that keeps what it is told in a map, as a file would across a restart. */
    static final class MapLog implements ThroughputLog {
        final Map<String, Double> saved = new HashMap<>();

        @Override
        public Map<String, Double> load() {
            return Map.copyOf(saved);
        }

        @Override
        public void save(String key, double factor) {
            saved.put(key, factor);
        }
    }

    @Test
    void withoutMeasurementsTheEstimateIsTheCostModel() {
        RunConfig rc = modadd(256, 1);
        assertEquals(rc.cost().seconds(), Estimates.inMemory().seconds(rc));
    }

    @Test
    void finishedRunsCorrectRunsOfTheSameTaskKernelAndSizeClassOnly() {
        Estimates e = Estimates.inMemory();
        RunConfig a = modadd(256, 1), sameClass = modadd(256, 2), wider = modadd(1024, 1);
        double model = a.cost().seconds();
        e.observe(a, 2 * model); // the first measurement replaces the model's guess
        assertEquals(2 * model, e.seconds(sameClass), 1e-9 * model);
        e.observe(a, model); // later ones move it by WEIGHT
        assertEquals((1 - Estimates.WEIGHT) * 2 * model + Estimates.WEIGHT * model, e.seconds(sameClass), 1e-9 * model);
        assertEquals(wider.cost().seconds(), e.seconds(wider), "another size class keeps its own correction");
    }

    @Test
    void shortRunsAreIgnoredAndStallsClamped() {
        Estimates e = Estimates.inMemory();
        RunConfig rc = modadd(256, 1);
        double model = rc.cost().seconds();
        e.observe(rc, 0.5); // start-up, not speed
        e.observe(rc, Double.NaN);
        assertEquals(model, e.seconds(rc));
        e.observe(rc, 1e6 * model); // a run that hung for days says nothing of this host's speed
        assertEquals(Estimates.MAX_FACTOR * model, e.seconds(rc), 1e-9 * model);
    }

    @Test
    void correctionsSurviveARestartThroughTheLog() {
        MapLog log = new MapLog();
        RunConfig rc = modadd(256, 1);
        double model = rc.cost().seconds();
        new Estimates(log).observe(rc, 3 * model);
        assertEquals(3 * model, new Estimates(log).seconds(rc), 1e-9 * model);
    }
}

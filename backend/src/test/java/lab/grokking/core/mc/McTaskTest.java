package lab.grokking.core.mc;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.MetricTable;
import lab.grokking.core.Recorder;
import lab.grokking.core.RunListener;
import lab.grokking.core.RunResult;
import lab.grokking.core.RunStatus;
import lab.grokking.core.Snapshot;
import lab.grokking.core.TrainingLoop;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.core.linalg.Workers;
import lab.grokking.core.task.SpecTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fig. 3 at reduced scale (the classroom preset: a 24×24 table, 20 % observed, λ = 10⁻³): the shape of the
 * paper's curves, against predictors computed from the same data. The transition ln(α)/(λη) is at ≈ 2.3·10⁴ steps.
 */
class McTaskTest {
    static McConfig config(String fields) {
        return (McConfig) Configs.parse("{\"task\":\"mc\"," + fields + "}");
    }

    static final McConfig SMALL = config(
            "\"d\":24,\"observed\":0.2,\"alpha\":10,\"lr\":0.1,\"weightDecay\":0.001,\"steps\":100000,\"evalPerDecade\":20,\"seed\":1");

    static double summary(RunResult r, String group, String key) {
        return ((Number) ((Map<?, ?>) ((Map<?, ?>) r.summary().get(SpecTask.TASK_KEY)).get(group)).get(key))
                .doubleValue();
    }

    /** Test MSE of the symmetric zero-fill, computed here from scratch: an unobserved entry scores 0 if its transpose is observed, X*² if not. */
    static double zeroFillTestMse(McData data) {
        int d = data.d();
        double s = 0;
        int m = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                if (data.observed()[i * d + j]) continue;
                m++;
                double x = i * (double) j / (d * d);
                if (!data.observed()[j * d + i]) s += x * x;
            }
        }
        return s / m;
    }

    @Test
    void tableCompletionGroksFromZeroFillToMinimumNuclearNorm() {
        McConfig cfg = SMALL;
        RunResult r = cfg.newTask().run(RunListener.NONE);
        assertEquals(RunStatus.FINISHED, r.status(), r.message());
        MetricTable t = r.metrics();
        McData data = McData.generate(cfg);
        double kStar = TrainingLoop.transitionStep(cfg.alpha(), cfg.lr(), cfg.weightDecay());
        double plateau = zeroFillTestMse(data);
        assertEquals(plateau, summary(r, "early_predictor", "test_mse"), 1e-15, "the summary's zero-fill MSE");
        assertTrue(summary(r, "late_predictor", "test_mse") < 1e-9, "the min-nuclear-norm completion is X* here");

        // step 0: W = 0, so both MSEs are mean squares of the targets
        double meanY2 = Arrays.stream(data.y()).map(v -> v * v).average().orElseThrow();
        assertEquals(meanY2, t.at("train_mse", 0), 1e-15);
        assertEquals(data.testMse(new double[cfg.d() * cfg.d()]), t.at("test_mse", 0), 1e-15);
        assertEquals(cfg.alpha() * Math.sqrt(2.0 * cfg.d()), t.at("norm", 0), 1e-12, "‖θ(0)‖ = α√(2d)");

        assertTrue(
                t.at("train_mse", 100) < 1e-6, "fits the observed entries within 10² steps: " + t.at("train_mse", 100));
        // kernel phase: test MSE on the zero-fill plateau, W ≈ the zero-fill, ‖θ‖ ≈ α√(2d)·e^{−ληk}
        for (long k : new long[] {100, 1000, (long) (0.2 * kStar)}) {
            assertEquals(plateau, t.at("test_mse", k), 0.01 * plateau, "plateau at step " + k);
            assertTrue(t.at("dist_early", k) < 0.01, "W ≈ zero-fill at step " + k + ": " + t.at("dist_early", k));
            assertTrue(t.at("dist_late", k) > 0.5, "far from the late predictor at step " + k);
        }
        for (double[] row : t.rows()) {
            if (row[0] > 0.5 * kStar) break;
            assertEquals(row[5], row[4], 0.05 * row[5], "norm follows α√(2d)·e^{−ληk} at step " + row[0]);
        }
        // the drop: test MSE halves between 0.5·k* and 3·k*
        double half = Double.NaN;
        for (double[] row : t.rows())
            if (row[0] > 100 && row[3] < plateau / 2) {
                half = row[0];
                break;
            }
        assertTrue(
                half >= 0.5 * kStar && half <= 3 * kStar, "test MSE halves at " + half + " vs ln(α)/(λη) = " + kStar);
        // late phase: the minimum-nuclear-norm completion (= X*), rank one, ‖θ‖² = ‖W‖_*
        long last = cfg.steps();
        assertTrue(t.at("test_mse", last) < 5e-4, "final test MSE " + t.at("test_mse", last));
        assertTrue(t.at("dist_late", last) < 0.06, "near the late predictor at the end: " + t.at("dist_late", last));
        assertTrue(t.at("effective_rank", last) < 1.1, "rank one at the end: " + t.at("effective_rank", last));
        assertEquals(
                summary(r, "late_predictor", "sqrt_nuclear_norm"),
                t.at("norm", last),
                0.05 * t.at("norm", last),
                "‖θ‖ at the end ≈ √‖W_late‖_*");
        assertTrue(t.at("sv2", last) < 0.01 * t.at("sv1", last), "one dominant singular value");
    }

    @Test
    void sameConfigAndSeedGiveBitIdenticalMetricsAndSnapshots() {
        McConfig cfg = config(
                "\"d\":16,\"observed\":0.3,\"sigma\":0.01,\"lr\":0.1,\"weightDecay\":0.001,\"steps\":3000,\"seed\":4");
        Recorder ra = new Recorder(false), rb = new Recorder(false);
        MetricTable a = cfg.newTask().run(ra).metrics(),
                b = cfg.newTask().run(rb).metrics();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++)
            assertArrayEquals(a.rows().get(i), b.rows().get(i), 0.0, "row " + i);
        assertEquals(ra.snapshots.size(), rb.snapshots.size());
        for (int i = 0; i < ra.snapshots.size(); i++)
            assertArrayEquals(ra.snapshots.get(i).values(), rb.snapshots.get(i).values(), 0f);
        McConfig other = (McConfig) Configs.parse(Configs.canonical(cfg).replace("\"seed\":4", "\"seed\":5"));
        MetricTable c = other.newTask().run(RunListener.NONE).metrics();
        assertNotEquals(a.at("test_mse", 3000), c.at("test_mse", 3000), "another seed is another observed set");
    }

    @Test
    void provenanceNamesTheThreadsAStepUses() {
        McConfig small = config("\"d\":16,\"observed\":0.3,\"steps\":10,\"seed\":4");
        assertEquals(1, small.newTask().run(RunListener.NONE).provenance().threads());
        McConfig paper = config("\"d\":97,\"observed\":0.05,\"steps\":10,\"seed\":1");
        assertEquals(
                Math.min(2, Workers.threads()),
                paper.newTask().run(RunListener.NONE).provenance().threads());
    }

    @Test
    void vectorAndScalarKernelsGiveTheSameBits() {
        McConfig cfg = config("\"d\":23,\"observed\":0.3,\"sigma\":0.1,\"steps\":10,\"seed\":2");
        McData data = McData.generate(cfg);
        McTrainer v = new McTrainer(cfg, data, McKernels.get(), 1), s = new McTrainer(cfg, data, McKernels.scalar(), 1);
        for (int k = 0; k < 300; k++) {
            v.forward();
            s.forward();
            assertEquals(
                    s.loss(),
                    v.loss(),
                    0,
                    "loss at step " + k + " (" + McKernels.get().name() + " vs scalar)");
            v.step();
            s.step();
        }
        assertArrayEquals(s.u, v.u, 0);
        assertArrayEquals(s.v, v.v, 0);
    }

    @Test
    void aStepIsGradientDescentWithCoupledWeightDecay() {
        McConfig cfg = config(
                "\"d\":5,\"observed\":0.5,\"alpha\":1,\"sigma\":0.3,\"lr\":0.001,\"weightDecay\":0.01,\"steps\":10,\"seed\":3");
        McData data = McData.generate(cfg);
        McTrainer tr = new McTrainer(cfg, data);
        int d = cfg.d();
        double[] u = tr.u.clone(), v = tr.v.clone();
        tr.forward();
        assertEquals(loss(data, u, v), tr.loss(), 1e-13);
        tr.step();
        double h = 1e-6;
        for (int which = 0; which < 2; which++) {
            double[] p = which == 0 ? u : v, next = which == 0 ? tr.u : tr.v;
            for (int i = 0; i < d * d; i++) {
                double keep = p[i];
                p[i] = keep + h;
                double up = loss(data, u, v);
                p[i] = keep - h;
                double down = loss(data, u, v);
                p[i] = keep;
                double grad = (up - down) / (2 * h) + cfg.weightDecay() * keep;
                assertEquals(keep - cfg.lr() * grad, next[i], 1e-11, (which == 0 ? "U" : "V") + " entry " + i);
            }
        }
    }

    /** (1/n)Σ_k (W_{a_k b_k} − y_k)² with W = UUᵀ − VVᵀ computed directly. */
    static double loss(McData data, double[] u, double[] v) {
        int d = data.d();
        double s = 0;
        for (int k = 0; k < data.nTrain(); k++) {
            int a = data.rows()[k], b = data.cols()[k];
            double w = 0;
            for (int c = 0; c < d; c++) w += u[a * d + c] * u[b * d + c] - v[a * d + c] * v[b * d + c];
            s += (w - data.y()[k]) * (w - data.y()[k]);
        }
        return s / data.nTrain();
    }

    @Test
    void snapshotsAreLogSpacedFloatCopiesOfW() {
        McConfig cfg = config("\"d\":12,\"observed\":0.4,\"lr\":0.1,\"weightDecay\":0.01,\"steps\":20000,\"seed\":1");
        Recorder rec = new Recorder(false);
        RunResult r = cfg.newTask().run(rec);
        List<Snapshot> list = rec.snapshots("W");
        assertTrue(list.size() >= 20 && list.size() <= SpecTask.SNAPSHOTS, "about 30 snapshots: " + list.size());
        assertEquals(0, list.getFirst().step());
        assertEquals(cfg.steps(), list.getLast().step());
        for (int i = 1; i < list.size(); i++)
            assertTrue(list.get(i).step() > list.get(i - 1).step());
        assertArrayEquals(new float[cfg.d() * cfg.d()], list.getFirst().values(), 0f, "W(0) = 0");
        McData data = McData.generate(cfg);
        for (Snapshot s : list) {
            double[] w = new double[s.values().length];
            for (int i = 0; i < w.length; i++) w[i] = s.values()[i];
            assertEquals(
                    r.metrics().at("test_mse", s.step()), data.testMse(w), 1e-6, "snapshot at " + s.step() + " is W");
        }
        List<Snapshot> early = rec.snapshots("early"), late = rec.snapshots("late");
        assertEquals(1, early.size());
        assertEquals(1, late.size());
        assertEquals(-1, late.getFirst().step(), "fixed predictors carry step -1");
        double[] lw = new double[late.getFirst().values().length];
        for (int i = 0; i < lw.length; i++) lw[i] = late.getFirst().values()[i];
        assertTrue(
                data.testMse(lw) < 1e-6,
                "the late snapshot is the min-nuclear-norm completion: test MSE " + data.testMse(lw));
    }

    @Test
    void resumingFromACheckpointReproducesTheRestOfTheRunBitForBit() {
        McConfig cfg = config(
                "\"d\":16,\"observed\":0.3,\"sigma\":0.01,\"lr\":0.1,\"weightDecay\":0.001,\"steps\":20000,\"seed\":4");
        Recorder full = new Recorder(true);
        cfg.newTask().run(full);
        Checkpoint mid = full.checkpoints.get(full.checkpoints.size() / 2);
        assertTrue(mid.step() > 0 && mid.step() < cfg.steps());
        Recorder resumed = new Recorder(false);
        RunResult r = cfg.newTask().run(resumed, mid);
        assertEquals(RunStatus.FINISHED, r.status());
        List<double[]> expected = full.rowsAfter(mid.step());
        assertEquals(expected.size(), resumed.rows.size(), "every row after the checkpoint, none before");
        for (int i = 0; i < expected.size(); i++)
            assertArrayEquals(expected.get(i), resumed.rows.get(i), 0.0, "row " + i);
        List<Snapshot>
                ws =
                        full.snapshots("W").stream()
                                .filter(s -> s.step() > mid.step())
                                .toList(),
                wr = resumed.snapshots("W");
        assertEquals(ws.size(), wr.size());
        for (int i = 0; i < ws.size(); i++)
            assertArrayEquals(ws.get(i).values(), wr.get(i).values(), 0f);
    }

    @Test
    void aLearningRateThatDivergesStopsTheRunAndSaysSo() {
        RunResult r = config("\"d\":16,\"observed\":0.3,\"lr\":20,\"steps\":1000")
                .newTask()
                .run(RunListener.NONE);
        assertEquals(RunStatus.DIVERGED, r.status());
        assertTrue(r.message().contains("diverged at step") && r.message().contains("lr"), r.message());
    }

    @Test
    void cancellationStopsBetweenStepsAndTheListenerSeesColumnsFirst() {
        List<String> events = new ArrayList<>();
        RunResult r = config("\"d\":16,\"observed\":0.3,\"steps\":100000")
                .newTask()
                .run(new RunListener() {
                    int evals;

                    @Override
                    public void onStart(List<String> columns) {
                        events.add("start " + columns);
                    }

                    @Override
                    public void onEvaluation(double[] row) {
                        evals++;
                        events.add("row");
                    }

                    @Override
                    public boolean cancelled() {
                        return evals >= 12;
                    }
                });
        assertEquals(RunStatus.CANCELLED, r.status());
        assertEquals(12, r.metrics().size());
        assertEquals(13, events.size());
        assertEquals("start " + McSpec.COLUMNS, events.getFirst());
        assertEquals(List.of("step", "time", "train_mse", "test_mse", "norm"), McSpec.COLUMNS.subList(0, 5));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"observed\":0                       | observed     | must be in (0.0, 1.0], got 0.0",
                "\"observed\":1.5                     | observed     | must be in (0.0, 1.0], got 1.5",
                "\"observed\":0.00001                 | observed     | observes no entry",
                "\"d\":1000                           | d            | must be in [2, 256], got 1000",
                "\"target\":\"lowrank\",\"d\":10,\"rank\":11 | rank | must be at most d = 10, got 11",
                "\"target\":\"lowrank\",\"rank\":0   | rank         | must be in [1, 256], got 0",
                "\"target\":\"random\"                | target       | must be 'table' or 'lowrank'",
                "\"lr\":0                             | lr           | must be in (0.0, 100.0]",
                "\"weightDecay\":-1                   | weightDecay  | must be in [0.0, 10.0]",
                "\"sigma\":-0.1                       | sigma        | must be in [0.0",
                "\"steps\":0                          | steps        | must be in [1, 1000000000]",
                "\"d\":256,\"steps\":1000000000       | steps        | above the work limit",
                "\"alpah\":3                          | alpah        | unknown field; allowed: alpha",
            })
    void badFieldsAreNamedWithTheirLimit(String fields, String field, String fragment) {
        ConfigException e =
                assertThrows(ConfigException.class, () -> config(fields).validate(Limits.DEFAULT));
        assertTrue(
                e.problems().stream()
                        .anyMatch(p ->
                                p.field().equals(field.trim()) && p.message().contains(fragment.trim())),
                () -> "expected a problem on '" + field.trim() + "' containing '" + fragment.trim() + "', got: "
                        + e.getMessage());
    }

    @Test
    void nanIsRejectedByNameAndBeforeAnyWork() {
        McConfig bad = new McConfig("mc", "table", 10, 1, 0.5, Double.NaN, 0, 0.1, 1e-3, 10, 10, 1);
        ConfigException e = assertThrows(ConfigException.class, () -> bad.newTask());
        assertEquals("alpha", e.problems().getFirst().field());
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
    }

    @Test
    void defaultsAreThePaperPresetAndBothPresetsParse() throws Exception {
        assertEquals(McConfig.DEFAULTS, config("\"seed\":1"));
        assertEquals(470, McConfig.DEFAULTS.nTrain(), "5 % of 97² entries");
        ObjectNode paper = preset("fig3-paper.json"), classroom = preset("fig3-classroom.json");
        assertEquals(McConfig.DEFAULTS, Configs.parse((ObjectNode) paper.get("config")));
        McConfig c = (McConfig) Configs.parse((ObjectNode) classroom.get("config"));
        assertEquals("fig3", classroom.get("figure").asText());
        assertTrue(c.work() < McConfig.DEFAULTS.work() / 30, "the classroom preset is much cheaper");
    }

    static ObjectNode preset(String name) throws Exception {
        try (InputStream in = McTaskTest.class.getResourceAsStream("/config/presets/" + name)) {
            assertNotNull(in, name + " on the classpath");
            return (ObjectNode) Configs.JSON.readTree(in);
        }
    }

    @Test
    void lowRankTargetIsSymmetricOfTheRequestedRankAndScale() {
        McConfig cfg = config("\"target\":\"lowrank\",\"d\":40,\"rank\":3,\"observed\":0.5,\"seed\":9");
        McData data = McData.generate(cfg);
        int d = cfg.d();
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) assertEquals(data.target()[i * d + j], data.target()[j * d + i], 0);
        double[] ev = SymEigen.eigenvalues(data.target(), d);
        double mag = d / (3 * Math.sqrt(3));
        long nonzero = Arrays.stream(ev).filter(l -> Math.abs(l) > 1e-9).count();
        assertEquals(3, nonzero);
        for (double l : ev) if (Math.abs(l) > 1e-9) assertEquals(mag, Math.abs(l), 1e-10);
        double meanSquare =
                Arrays.stream(data.target()).map(x -> x * x).average().orElseThrow();
        assertEquals(1 / 9.0, meanSquare, 1e-12);
        assertTrue(data.coherence() >= 1 && data.coherence() < 6, "incoherent: μ = " + data.coherence());
        assertEquals(Math.round(0.5 * d * d), data.nTrain());
    }

    @Test
    void perturbedInitStartsNearTheIdentityAndTheKernelNormUsesIt() {
        McConfig cfg = config("\"d\":16,\"observed\":0.3,\"sigma\":0.5,\"steps\":100");
        RunResult r = cfg.newTask().run(RunListener.NONE);
        double n0 = r.metrics().at("norm", 0), exact = cfg.alpha() * Math.sqrt(2.0 * cfg.d());
        assertNotEquals(exact, n0);
        assertEquals(exact, n0, 0.05 * exact);
        assertEquals(n0, r.metrics().at("kernel_norm", 0), 0);
        assertTrue(r.metrics().at("nuclear_norm", 0) > 0, "W(0) ≠ 0");
        assertTrue(
                r.metrics().at("train_mse", 100) < 1e-4,
                "still fits: " + r.metrics().at("train_mse", 100));
    }
}

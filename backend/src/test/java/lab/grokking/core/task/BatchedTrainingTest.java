package lab.grokking.core.task;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.Recorder;
import lab.grokking.core.RunResult;
import lab.grokking.core.Snapshot;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.diag.DiagConfig;
import lab.grokking.core.mc.McConfig;
import org.junit.jupiter.api.Test;

/** Runs trained together as one cohort give each member the bits of its solo run: rows, snapshots, checkpoints. */
class BatchedTrainingTest {
    private static DiagConfig diag(String data, double alpha, double lr, double wd, long steps, int depth) {
        return new DiagConfig("diag", data, 203, 37, 150, 3, 4, depth, alpha, lr, wd, steps, 12, 5);
    }

    private static McConfig mc(double alpha, double lr, double wd, long steps) {
        return new McConfig("mc", "lowrank", 13, 2, 0.4, alpha, 0, lr, wd, steps, 12, 3);
    }

    @Test
    void sparseDiagonalNetMembersEqualTheirSoloRuns() {
        assertCohortEqualsSolo(List.of(
                diag("sparse", 8, 0.05, 1e-2, 2100, 2),
                diag("sparse", 2, 0.1, 3e-2, 3100, 2),
                diag("sparse", 30, 0.02, 1e-3, 2500, 3),
                diag("sparse", 1, 0.2, 0, 1300, 2)));
    }

    @Test
    void gaussianDiagonalNetMembersEqualTheirSoloRuns() {
        assertCohortEqualsSolo(List.of(
                diag("gaussian", 8, 0.05, 1e-2, 2100, 2),
                diag("gaussian", 2, 0.1, 3e-2, 1500, 2),
                diag("gaussian", 30, 0.02, 1e-3, 2500, 4)));
    }

    @Test
    void matrixCompletionMembersEqualTheirSoloRuns() {
        assertCohortEqualsSolo(List.of(
                mc(1, 0.05, 1e-3, 2100), mc(0.3, 0.1, 1e-2, 1500), mc(2, 0.02, 0, 2600), mc(0.5, 0.08, 5e-3, 1100)));
    }

    @Test
    void membersResumedFromDifferentCheckpointsStillEqualTheirSoloRuns() {
        List<DiagConfig> cfgs = List.of(
                diag("sparse", 8, 0.05, 1e-2, 3100, 2),
                diag("sparse", 2, 0.1, 3e-2, 2500, 2),
                diag("sparse", 30, 0.02, 1e-3, 2300, 2));
        List<Recorder> solo = new ArrayList<>();
        for (DiagConfig c : cfgs) {
            Recorder r = new Recorder(true);
            c.newTask().run(r, null);
            solo.add(r);
        }
        // member 0 resumes at 2048, member 1 at 1024, member 2 from the start
        List<Checkpoint> resume = Arrays.asList(
                solo.get(0).checkpoints.get(1), solo.get(1).checkpoints.get(0), null);
        assertEquals(2048, resume.get(0).step());
        List<Recorder> batched = trainTogether(cfgs, resume);
        for (int m = 0; m < cfgs.size(); m++) {
            long from = resume.get(m) == null ? -1 : resume.get(m).step();
            assertRowsEqual(solo.get(m).rowsAfter(from), batched.get(m).rows, "member " + m);
            assertStatesEqual(
                    solo.get(m).checkpoints.stream()
                            .filter(c -> c.step() > from)
                            .toList(),
                    batched.get(m).checkpoints,
                    "member " + m);
        }
    }

    @Test
    void tasksSayWhatBatchesTogether() {
        assertEquals(
                diag("sparse", 8, 0.05, 1e-2, 2100, 2).batchKey(),
                diag("sparse", 2, 0.1, 0, 99, 3).batchKey(),
                "α, η, λ, steps and depth may differ");
        assertNotEquals(
                diag("sparse", 8, 0.05, 1e-2, 2100, 2).batchKey(),
                new DiagConfig("diag", "sparse", 203, 37, 150, 3, 4, 2, 8, 0.05, 1e-2, 2100, 12, 6).batchKey(),
                "another data seed");
        assertNotEquals(
                mc(1, 0.05, 0, 10).batchKey(), diag("sparse", 1, 0.05, 0, 10, 2).batchKey());
        assertEquals(mc(1, 0.05, 0, 10).batchKey(), mc(3, 0.5, 1e-2, 20).batchKey());
        assertNull(
                lab.grokking.core.config.Configs.parse("{\"task\":\"modadd\"}").batchKey(), "modadd never batches");
    }

    @Test
    void aRoundGoesOnWithoutAMemberThatLeftAndABatchFailureReachesEveryMemberOfItsRound() throws Exception {
        Cohort c = new Cohort(3);
        Cohort.Member a = c.join(), b = c.join(), gone = c.join();
        List<List<String>> rounds = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.function.Consumer<List<String>> batch = round -> {
            rounds.add(round.stream().sorted().toList());
            if (round.contains("fail")) throw new IllegalStateException("kernel failed");
        };
        Thread ta = Thread.ofVirtual().start(() -> a.meet("a", batch));
        Thread tb = Thread.ofVirtual().start(() -> b.meet("b", batch));
        Thread.sleep(50);
        assertTrue(rounds.isEmpty(), "the round waits for every member");
        gone.leave(); // its leaving completes the round of the two others
        ta.join(5000);
        tb.join(5000);
        assertEquals(List.of(List.of("a", "b")), rounds);
        Throwable[] seen = new Throwable[2];
        Thread fa = Thread.ofVirtual().start(() -> {
            try {
                a.meet("fail", batch);
            } catch (Throwable t) {
                seen[0] = t;
            }
        });
        try {
            b.meet("b", batch);
        } catch (Throwable t) {
            seen[1] = t;
        }
        fa.join(5000);
        for (Throwable t : seen) assertEquals("kernel failed", t.getMessage());
        a.leave();
        b.meet("alone", batch); // the last member meets no one and is served at once
        assertEquals(List.of("alone"), rounds.getLast());
        IllegalStateException setup = assertThrows(
                IllegalStateException.class,
                () -> c.shared(() -> {
                    throw new IllegalStateException("no data");
                }));
        assertSame(setup, assertThrows(IllegalStateException.class, () -> c.shared(() -> "never made")));
    }

    private static void assertCohortEqualsSolo(List<? extends RunConfig> cfgs) {
        List<Recorder> batched = trainTogether(cfgs, null);
        for (int m = 0; m < cfgs.size(); m++) {
            Recorder solo = new Recorder(true);
            RunResult r = cfgs.get(m).newTask().run(solo, null);
            assertFalse(solo.rows.isEmpty());
            assertEquals(cfgs.get(m).steps(), (long) solo.rows.getLast()[0], r.message());
            assertRowsEqual(solo.rows, batched.get(m).rows, "member " + m);
            assertStatesEqual(solo.checkpoints, batched.get(m).checkpoints, "member " + m);
            assertEquals(solo.snapshots.size(), batched.get(m).snapshots.size(), "member " + m + " snapshots");
            for (int i = 0; i < solo.snapshots.size(); i++) {
                Snapshot a = solo.snapshots.get(i), b = batched.get(m).snapshots.get(i);
                assertEquals(a.name() + "@" + a.step(), b.name() + "@" + b.step());
                assertArrayEquals(a.values(), b.values(), 0f, "member " + m + " snapshot " + a.name() + "@" + a.step());
            }
        }
    }

    /** Trains the configs as one cohort, each member on its own thread; returns what each reported. */
    static List<Recorder> trainTogether(List<? extends RunConfig> cfgs, List<Checkpoint> resume) {
        Cohort cohort = new Cohort(cfgs.size());
        List<Recorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        RunResult[] results = new RunResult[cfgs.size()];
        Throwable[] errors = new Throwable[cfgs.size()];
        for (int m = 0; m < cfgs.size(); m++) {
            Recorder r = new Recorder(true);
            recorders.add(r);
            Cohort.Member member = cohort.join();
            RunConfig c = cfgs.get(m);
            Checkpoint cp = resume == null ? null : resume.get(m);
            int i = m;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    results[i] = c.newTask(member).run(r, cp);
                } catch (Throwable t) {
                    errors[i] = t;
                }
            }));
        }
        for (Thread t : threads)
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        for (int m = 0; m < cfgs.size(); m++) {
            if (errors[m] != null) throw new AssertionError("member " + m + " failed", errors[m]);
            assertEquals(cfgs.size(), results[m].summary().get(SpecTask.COHORT_KEY), "the summary says it was batched");
        }
        return recorders;
    }

    private static void assertRowsEqual(List<double[]> expected, List<double[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + " rows");
        for (int i = 0; i < expected.size(); i++) assertBits(expected.get(i), actual.get(i), what + " row " + i);
    }

    private static void assertStatesEqual(List<Checkpoint> expected, List<Checkpoint> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + " checkpoints");
        assertFalse(expected.isEmpty(), what + ": the test wants at least one checkpoint");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).step(), actual.get(i).step());
            for (int p = 0; p < expected.get(i).state().length; p++)
                assertBits(expected.get(i).state()[p], actual.get(i).state()[p], what + " state " + p);
        }
    }

    private static void assertBits(double[] a, double[] b, String what) {
        assertEquals(a.length, b.length, what);
        for (int k = 0; k < a.length; k++)
            assertEquals(Double.doubleToRawLongBits(a[k]), Double.doubleToRawLongBits(b[k]), what + ", entry " + k);
    }
}

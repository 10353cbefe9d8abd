package lab.grokking.web.classroom;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.config.Configs;
import lab.grokking.core.sweep.Classification;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.server.labs.Lab;
import lab.grokking.server.labs.LabRun;
import lab.grokking.web.run.ChartSpecs;
import lab.grokking.web.run.QueueText;
import org.junit.jupiter.api.Test;

/** The classroom pages' plain logic: the lab's state and quota in words, submission rows, the builder's request, the class's curves. */
class ClassroomLogicTest {
    static final long NOON = Instant.parse("2026-12-03T12:00:00Z").toEpochMilli();

    static Lab lab(long expiresAt, int maxRuns, int running, int total, boolean closed) {
        return new Lab(
                "L",
                "fig1a-classroom",
                "Fig. 1a",
                "Pick an α",
                Map.of(),
                expiresAt,
                maxRuns,
                running,
                total,
                closed,
                Lab.Share.NONE);
    }

    static LabRun run(String id, String name, String status, Map<String, Object> changed, Outcome o, boolean hidden) {
        return new LabRun(
                id,
                name,
                "t:" + name,
                status,
                changed,
                Map.of("test_acc", 0.975),
                o == null ? null : new Classification(o, 100L, 2000L, 1900L, "because"),
                hidden,
                NOON);
    }

    @Test
    void theStateSaysClosedExpiredAtItsCapOrOpenUntilWhenWithTheRunsUsed() {
        long oneLater = NOON + 3_600_000;
        Lab open = lab(oneLater, 60, 1, 3, false);
        assertEquals("Open until 2026-12-03 13:00 UTC · 3 of 60 runs in this lab used", LabText.state(open, 3, NOON));
        assertTrue(LabText.open(open, 59, NOON));
        assertEquals("Open · 2 runs in this lab used", LabText.state(lab(0, 0, 0, 0, false), 2, NOON));
        assertEquals(
                "This lab has reached its cap of 60 runs: no new runs. Runs already started finish.",
                LabText.state(open, 60, NOON));
        assertFalse(LabText.open(open, 60, NOON));
        assertEquals(
                "This lab expired at 2026-12-03 13:00 UTC: no new runs. Runs already started finish.",
                LabText.state(open, 3, oneLater));
        assertFalse(LabText.open(open, 3, oneLater));
        Lab closed = lab(oneLater, 60, 1, 3, true);
        assertEquals(
                "This lab is closed by the teacher: no new runs. Runs already started finish.",
                LabText.state(closed, 3, NOON));
        assertFalse(LabText.open(closed, 3, NOON));
    }

    @Test
    void theQuotaLineCountsTheStudentsRunsAgainstTheLimits() {
        List<LabRun> mine = List.of(
                run("a", "Ann", "RUNNING", Map.of("alpha", 30), null, false),
                run("b", "Ann", "FINISHED", Map.of("alpha", 10), Outcome.GROKKED, false));
        assertEquals(
                "Your quota: 1 run at once, 3 in total · you have used 2 of 3 (1 not ended)",
                LabText.quota(lab(0, 0, 1, 3, false), mine));
        assertEquals(
                "Your quota: 2 runs at once · you have used 1",
                LabText.quota(lab(0, 0, 2, 0, false), mine.subList(1, 2)));
        assertEquals("", LabText.quota(lab(0, 0, 0, 0, false), mine), "no quota, no line");
    }

    @Test
    void aSubmissionsRowNamesWhatTheStudentChangedInTheSweepsSymbols() {
        Map<String, Object> changed = new LinkedHashMap<>();
        changed.put("alpha", 30.0);
        changed.put("weightDecay", 0.002);
        changed.put("steps", 20000);
        assertEquals("α = 30, λ = 0.002, steps = 20000", LabText.changed(changed));
        assertEquals("the preset as it is", LabText.changed(Map.of()));
        assertEquals(
                List.of("Ann", "finished", "α = 30, λ = 0.002, steps = 20000", "test accuracy 97.5 %", "grokked"),
                LabText.cells(run("a", "Ann", "FINISHED", changed, Outcome.GROKKED, false), "test_acc"));
        assertEquals(
                List.of("(no name)", "queued", "the preset as it is", "", "not finished"),
                LabText.cells(new LabRun("b", null, null, "QUEUED", Map.of(), null, null, false, NOON), "test_acc"));
    }

    @Test
    void myRunsLineShowsTheQueuePlaceOfAQueuedRunAndTheOutcomeOfAnEndedOne() {
        assertEquals(
                "α = 30: queued, 1 run ahead · starts in about 2 min",
                MyRuns.line(run("a", "Ann", "QUEUED", Map.of("alpha", 30), null, false), QueueText.of(1, 120)));
        assertEquals(
                "α = 30: running",
                MyRuns.line(
                        new LabRun(
                                "a",
                                null,
                                null,
                                "RUNNING",
                                Map.of("alpha", 30),
                                null,
                                new Classification(Outcome.NOT_FINISHED, null, null, null, "running"),
                                false,
                                NOON),
                        null));
        assertEquals(
                "α = 10: finished, grokked",
                MyRuns.line(run("b", "Ann", "FINISHED", Map.of("alpha", 10), Outcome.GROKKED, false), null));
    }

    @Test
    void theBuildersRequestCarriesTheLifecycleAndLeavesEmptyFieldsToTheServer() {
        Instant now = Instant.parse("2026-12-03T12:00:00Z");
        ObjectNode req = Configs.JSON.createObjectNode();
        LabRequest.lifecycle(req, 1.5, 60, 1, 3, now);
        assertEquals(
                "{\"expires_at\":\"2026-12-03T13:30:00Z\",\"max_runs\":60,\"quota\":{\"running\":1,\"total\":3}}",
                req.toString());
        ObjectNode empty = Configs.JSON.createObjectNode();
        LabRequest.lifecycle(empty, null, null, null, null, now);
        assertEquals("{}", empty.toString());
        ObjectNode some = Configs.JSON.createObjectNode();
        LabRequest.lifecycle(some, null, null, null, 5, now);
        assertEquals("{\"quota\":{\"total\":5}}", some.toString());
        // absurd hours stay a valid instant: the server names its own maximum
        ObjectNode far = Configs.JSON.createObjectNode();
        LabRequest.lifecycle(far, 1e300, null, null, null, now);
        assertTrue(Instant.parse(far.get("expires_at").asText()).isAfter(now.plusSeconds(3600L * 1_000_000)));
        assertEquals("lab/L/results?key=K", LabRequest.resultsPath("L", "K"));
        assertEquals("lab-quota-total", LabRequest.FIELDS.get("quota.total"));
    }

    @Test
    void theClassCurvesDrawEachVisibleRunOnceLabelledByItsStudents() {
        List<LabRun> runs = List.of(
                run("r1", "Ann", "FINISHED", Map.of("alpha", 10), Outcome.GROKKED, false),
                run("r2", "Bo", "RUNNING", Map.of("alpha", 30), null, false),
                run("r1", "Cy", "FINISHED", Map.of("alpha", 10), Outcome.GROKKED, false), // identical config: one run
                run("r3", "Di", "FINISHED", Map.of("alpha", 100), Outcome.MEMORISED, true)); // hidden by the teacher
        assertEquals(
                List.of(new ChartSpecs.Run("r1", "Ann, Cy: α = 10"), new ChartSpecs.Run("r2", "Bo: α = 30")),
                ClassCurves.of(runs));
        assertEquals(
                List.of(new ChartSpecs.Run("r4", "α = 3")),
                ClassCurves.of(
                        List.of(new LabRun("r4", null, null, "QUEUED", Map.of("alpha", 3), null, null, false, NOON))));
    }
}

package lab.grokking.server.cluster.process;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.grokking.server.TestServer;
import org.junit.jupiter.api.Test;

/**
 * A sweep across member JVMs: started on member a while a and b run, a third member c joins mid-sweep and trains some
 * of its members, a viewer on c watches the sweep live to its end, and b exports exactly what a reports.
 */
class MemberSweepTest {
    /** Members of the sweep: one seed axis, about 2 s of training each. */
    static final int MEMBERS = 12;

    static final String SWEEP = "{\"title\":\"cluster sweep\",\"base\":" + TestServer.mcConfig(2_000_000, 1)
            + ",\"seeds\":{\"count\":" + MEMBERS + "}}";

    @Test
    void aSweepStartedOnAIsTrainedByAMemberJoiningMidSweepWatchedOnCAndExportedFromB() {
        Path dir = MemberDeathTest.dir("sweep");
        try (MemberGroup g = new MemberGroup(dir, 3, Map.of())) {
            try {
                sweepTest(g);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + g.logs(40), e);
            }
        }
    }

    private static void sweepTest(MemberGroup g) {
        List<Member> ab = g.startAll(2);
        Member a = ab.get(0), b = ab.get(1);
        a.awaitMembers(2, 60);
        g.store.sample();
        TestServer.Response posted = a.post("/api/sweeps", SWEEP);
        assertEquals(201, posted.status(), posted.body());
        String sweep = posted.json().get("id").asText();

        Member c = g.start(2); // joins while a and b train the first members
        c.awaitMembers(3, 60);
        String joiner = c.memberId();
        TestServer.Viewer live = TestServer.Viewer.open(c.wsUrl("/api/sweeps/" + sweep + "/stream"));
        JsonNode report = live.until("report", 30).getLast();
        int finishedAtJoin = 0;
        for (JsonNode m : report.get("members")) if (m.path("status").asText().equals("FINISHED")) finishedAtJoin++;
        assertTrue(finishedAtJoin < MEMBERS, "the sweep was still running when c joined");

        List<JsonNode> messages = live.until("end", 180);
        JsonNode end = messages.getLast();
        long memberUpdates = messages.stream()
                .filter(m -> m.get("type").asText().equals("member"))
                .count();
        assertTrue(memberUpdates > 0, "c streamed members' changes live: " + messages);

        JsonNode done = a.get("/api/sweeps/" + sweep).json();
        assertEquals(done.get("counts"), end.get("counts"), "c's stream ends with a's counts");
        List<String> runs = new ArrayList<>();
        for (JsonNode m : done.get("members")) {
            assertEquals("FINISHED", m.get("status").asText(), m.toString());
            runs.add(m.get("run_id").asText());
        }
        assertEquals(MEMBERS, runs.size());
        List<String> onC = g.store.runsSeenOn(joiner);
        onC.retainAll(runs);
        assertFalse(onC.isEmpty(), "the member that joined mid-sweep trained some of its members");
        for (String id : runs) assertEquals(1, g.store.run(id).epoch(), "each member claimed once: " + id);

        TestServer.Response fromA = a.get("/api/sweeps/" + sweep + "/export.csv");
        TestServer.Response fromB = b.get("/api/sweeps/" + sweep + "/export.csv");
        assertEquals(200, fromB.status(), fromB.body());
        assertEquals(fromA.body(), fromB.body(), "b exports what a reports");
        assertEquals(MEMBERS + 1, fromB.body().lines().count(), "a header and one row per member");
        System.out.printf(
                "sweep: %d members, %d finished when c joined, c trained %d, c's stream sent %d member updates%n",
                MEMBERS, finishedAtJoin, onC.size(), memberUpdates);
        live.close();
    }
}

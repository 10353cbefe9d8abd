package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSocket /api/runs/{id}/stream: snapshot then live, ?from resume, slow and many viewers. */
class StreamSocketTest {
    /** Long enough to watch live (seconds on 2 cores); tests cancel it when done. */
    static final String LONG = TestServer.mcConfig(50_000_000, 11);

    @TempDir
    Path dir;

    TestServer s;

    @BeforeEach
    void start() {
        s = new TestServer(dir);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    int rowsSoFar(String id) {
        return s.get("/api/runs/" + id + "/metrics").json().get("rows").size();
    }

    void awaitRows(String id, int n) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (rowsSoFar(id) < n) {
            if (System.nanoTime() > deadline) throw new AssertionError("fewer than " + n + " rows after 60 s");
            TestServer.sleep(20);
        }
    }

    List<Long> allSteps(String id) {
        List<Long> out = new ArrayList<>();
        for (JsonNode r : s.get("/api/runs/" + id + "/metrics").json().get("rows"))
            out.add(r.get(0).asLong());
        return out;
    }

    @Test
    void aViewerGetsEveryPointSoFarThenTheLiveOnesThenTheFinalStatus() {
        String id = s.start(LONG);
        awaitRows(id, 150);
        TestServer.Viewer v = s.view(id, "", true);
        awaitRows(id, 200); // some rows arrive live
        assertEquals(202, s.post("/api/runs/" + id + "/cancel", "").status());
        List<JsonNode> msgs = v.untilStatus(60);
        assertEquals("start", msgs.getFirst().get("type").asText());
        assertEquals("step", msgs.getFirst().get("columns").get(0).asText());
        JsonNode last = msgs.getLast();
        assertEquals("CANCELLED", last.get("status").asText(), last.toString());
        assertEquals(allSteps(id), TestServer.Viewer.steps(msgs), "every row, in order, once");
        assertTrue(msgs.stream().anyMatch(m -> m.get("type").asText().equals("progress")), "progress ticks");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (v.closeCode < 0 && System.nanoTime() < deadline) TestServer.sleep(10);
        assertEquals(1000, v.closeCode, "closed normally after the status");
    }

    @Test
    void reconnectingWithFromContinuesWithoutGapsOrDuplicates() {
        String id = s.start(LONG);
        awaitRows(id, 100);
        TestServer.Viewer a = s.view(id, "", true);
        awaitRows(id, 160);
        a.socket.sendClose(1000, "bye").join();
        TestServer.sleep(100);
        List<JsonNode> first = new ArrayList<>(a.messages);
        List<Long> seen = TestServer.Viewer.steps(first);
        assertFalse(seen.isEmpty());
        TestServer.Viewer b = s.view(id, "?from=" + seen.getLast(), true);
        awaitRows(id, 200);
        s.post("/api/runs/" + id + "/cancel", "");
        List<Long> rest = TestServer.Viewer.steps(b.untilStatus(60));
        List<Long> joined = new ArrayList<>(seen);
        joined.addAll(rest);
        assertEquals(allSteps(id), joined);

        TestServer.Viewer late =
                s.view(id, "?from=" + seen.getLast(), true); // a finished run streams from the store too
        assertEquals(rest, TestServer.Viewer.steps(late.untilStatus(30)));
        TestServer.Viewer bad = s.view(id, "?from=yesterday", true);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (bad.closeCode < 0 && System.nanoTime() < deadline) TestServer.sleep(10);
        assertEquals(4400, bad.closeCode);
        TestServer.Viewer unknown = s.view("AAAAAAAAAAAAAAAAAAAAAA", "", true);
        while (unknown.closeCode < 0 && System.nanoTime() < deadline) TestServer.sleep(10);
        assertEquals(4404, unknown.closeCode);
    }

    @Test
    void aStalledViewerDoesNotBlockTrainingAndCatchesUpAfterwards() {
        String id = s.start(TestServer.mcConfig(3_000_000, 12));
        TestServer.Viewer stalled = s.view(id, "", false); // reads one message, then nothing
        JsonNode done = s.awaitEnd(id, 120);
        assertEquals("FINISHED", done.get("status").asText(), "training finished while a viewer read nothing");
        int rows = rowsSoFar(id);
        stalled.resume();
        List<JsonNode> msgs = stalled.untilStatus(60);
        assertEquals(allSteps(id), TestServer.Viewer.steps(msgs), "it catches up with every row in order");
        assertEquals(rows, TestServer.Viewer.steps(msgs).size());
    }

    @Test
    void manyViewersEachGetEveryPointInOrder() {
        String id = s.start(TestServer.mcConfig(2_000_000, 13));
        List<TestServer.Viewer> viewers = new ArrayList<>();
        for (int i = 0; i < 20; i++) viewers.add(s.view(id, "", true));
        s.awaitEnd(id, 120);
        List<Long> expected = allSteps(id);
        for (TestServer.Viewer v : viewers) assertEquals(expected, TestServer.Viewer.steps(v.untilStatus(60)));
    }
}

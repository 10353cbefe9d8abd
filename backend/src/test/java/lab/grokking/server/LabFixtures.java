package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;

/** Classroom labs for the lab tests: a small diagonal-net lab whose students vary α (the law's x). */
final class LabFixtures {
    private LabFixtures() {}

    /** A lab over fig1a-classroom where the fields that make a run seconds long are editable; {@code extra}: more JSON. */
    static String lab(String extra) {
        String fields =
                "{\"d\":{\"mode\":\"editable\"},\"n\":{\"mode\":\"editable\"},\"nTest\":{\"mode\":\"editable\"},"
                        + "\"weightDecay\":{\"mode\":\"editable\"},\"steps\":{\"mode\":\"editable\",\"min\":10},"
                        + "\"evalPerDecade\":{\"mode\":\"editable\"},\"alpha\":{\"mode\":\"editable\",\"min\":1,\"max\":1000},"
                        + "\"seed\":{\"mode\":\"editable\"}}";
        return "{\"preset\":\"fig1a-classroom\",\"instructions\":\"Pick an alpha.\",\"fields\":" + fields
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** A student's run body: the sweep tests' small net (grokks in a second) at this α, seed and step count. */
    static String run(double alpha, long seed, long steps, String name) {
        return "{\"overrides\":{\"d\":300,\"n\":40,\"nTest\":300,\"weightDecay\":0.01,\"evalPerDecade\":20,\"steps\":"
                + steps + ",\"alpha\":" + alpha + ",\"seed\":" + seed + "}"
                + (name == null ? "" : ",\"name\":" + lab.grokking.server.runs.Json.write(name)) + "}";
    }

    static String run(double alpha, long seed, String name) {
        return run(alpha, seed, 4000, name);
    }

    /** Creates a lab; returns the 201 body (id, link, lab, teacher_key, results_url). */
    static JsonNode create(TestServer s, String extra) {
        TestServer.Response r = s.post("/api/labs", lab(extra));
        assertEquals(201, r.status(), r.body());
        return r.json();
    }

    /** Polls the teacher's results until {@code n} submissions have ended; returns them. */
    static JsonNode awaitEnded(TestServer s, String lab, String key, int n, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        JsonNode r = null;
        while (System.nanoTime() < deadline) {
            r = s.get("/api/labs/" + lab + "/results?key=" + key).json();
            int ended = 0;
            for (JsonNode x : r.get("runs")) if (!x.get("status").asText().matches("QUEUED|RUNNING|PAUSED")) ended++;
            if (ended >= n) return r;
            TestServer.sleep(50);
        }
        throw new AssertionError("fewer than " + n + " runs ended within " + timeoutSeconds + " s: " + r);
    }

    /** Polls a run until it runs. */
    static void awaitRunning(TestServer s, String run) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!s.get("/api/runs/" + run).json().get("status").asText().equals("RUNNING")) {
            if (System.nanoTime() > deadline) throw new AssertionError("run " + run + " never started");
            TestServer.sleep(10);
        }
    }

    /** The first problem's field of an error response. */
    static String field(TestServer.Response r) {
        return r.json().at("/problems/0/field").asText();
    }
}

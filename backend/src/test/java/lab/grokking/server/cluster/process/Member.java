package lab.grokking.server.cluster.process;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.grokking.server.TestServer.Response;

/**
 * One app instance as its own JVM: {@code Main serve} on the test JVM's classpath with the root pom's {@code jvm.args},
 * settings as {@code -Dgroklab.KEY=VALUE}, HTTP on a port it picks (read from its start line), stdout and stderr in a log
 * file. SIGKILL, SIGSTOP and SIGCONT act on the process itself.
 */
public final class Member implements AutoCloseable {
    /** The start line {@code Main serve} prints: the HTTP port is read from it. */
    private static final Pattern STARTED = Pattern.compile("API https?://localhost:(\\d+)/api");

    public final String name;
    public final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();
    private int port = -1;

    private Member(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code serve} with these settings (keys of config/app.properties, without "groklab.") and environment
     * variables; the log goes to {@code dir/NAME.log}. Returns at once: {@link #awaitUp} waits for the HTTP port.
     */
    public static Member start(String name, Path dir, Map<String, String> settings, Map<String, String> env) {
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve(name + ".log");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(JvmArgs.fromRootPom());
            cmd.add("-Xmx512m");
            cmd.add("-XX:+UseSerialGC"); // three members and the tests share 2 cores: no parallel GC threads
            settings.forEach((k, v) -> cmd.add("-Dgroklab." + k + "=" + v));
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("lab.grokking.cli.Main");
            cmd.add("serve");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            String shown =
                    String.join(" ", cmd).replace(System.getProperty("java.class.path"), "<the tests' classpath>");
            Files.writeString(log, "# " + shown + System.lineSeparator(), StandardCharsets.UTF_8);
            Process p = pb.start();
            // a test JVM that dies (a Surefire timeout, Ctrl-C) takes its members with it: no orphan keeps a port
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "member-" + name + "-reaper"));
            return new Member(name, log, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start member " + name, e);
        }
    }

    /** Waits for the start line and then for {@code GET /api/health}; fails with the log's tail if it exits or stalls. */
    public Member awaitUp(long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (port < 0) {
            Matcher m = STARTED.matcher(logText());
            if (m.find()) port = Integer.parseInt(m.group(1));
            else {
                if (!process.isAlive())
                    throw new AssertionError(
                            name + " exited with " + process.exitValue() + " before it served: " + logTail(60));
                if (System.nanoTime() > deadline)
                    throw new AssertionError(name + " did not start within " + timeoutSeconds + " s: " + logTail(60));
                sleep(100);
            }
        }
        while (true) {
            try {
                if (get("/api/health").status() == 200) return this;
            } catch (AssertionError e) {
                if (!(e.getCause() instanceof ConnectException)) throw e;
            }
            if (System.nanoTime() > deadline)
                throw new AssertionError(name + " did not answer /api/health within " + timeoutSeconds + " s");
            sleep(100);
        }
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no last checkpoint; waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError(name + " survived SIGKILL for 30 s");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** SIGSTOP: the JVM freezes, heartbeats included, sockets stay open. */
    public void pause() {
        signal("STOP");
    }

    /** Waits until the JVM is stopped (a SIGSTOP it sent itself: state T in /proc/PID/stat). */
    public void awaitStopped(long timeoutSeconds) {
        Path stat = Path.of("/proc", Long.toString(pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            try {
                String s = Files.readString(stat, StandardCharsets.UTF_8);
                if (s.substring(s.lastIndexOf(')') + 2).startsWith("T")) return;
            } catch (IOException e) {
                throw new AssertionError(name + " is gone: " + e.getMessage(), e);
            }
            sleep(50);
        }
        throw new AssertionError(name + " did not stop within " + timeoutSeconds + " s");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String sig) {
        try {
            Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid()))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new AssertionError("kill -" + sig + " " + pid() + " failed: " + out);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The health document. */
    public JsonNode health() {
        return get("/api/health").json();
    }

    /** This member's cluster id (the owner the store records for its runs): health's {@code cluster.member}. */
    public String memberId() {
        JsonNode c = health().get("cluster");
        if (c == null) throw new AssertionError(name + "'s health has no \"cluster\": " + health());
        return c.get("member").asText();
    }

    /** Waits until this member's health lists {@code count} members. */
    public void awaitMembers(int count, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        JsonNode c = null;
        while (System.nanoTime() < deadline) {
            c = health().get("cluster");
            if (c != null && c.get("members").size() == count) return;
            sleep(200);
        }
        throw new AssertionError(name + " does not see " + count + " members within " + timeoutSeconds + " s: " + c);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String wsUrl(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET());
    }

    public Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r =
                    http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new AssertionError(name + ": " + e, e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Posts a config and returns the run id. */
    public String submit(String config) {
        Response r = post("/api/runs", config);
        if (r.status() != 201 && r.status() != 200) throw new AssertionError(name + ": " + r.status() + " " + r.body());
        return r.json().get("id").asText();
    }

    /** The run document. */
    public JsonNode run(String id) {
        Response r = get("/api/runs/" + id);
        if (r.status() != 200) throw new AssertionError(name + ": run " + id + ": " + r.status() + " " + r.body());
        return r.json();
    }

    /** Polls until the run's status is final; returns the run document. */
    public JsonNode awaitEnd(String id, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            JsonNode run = run(id);
            String s = run.get("status").asText();
            if (!s.equals("QUEUED") && !s.equals("RUNNING") && !s.equals("PAUSED")) return run;
            sleep(200);
        }
        throw new AssertionError("run " + id + " did not end within " + timeoutSeconds + " s (asked " + name + ")");
    }

    /** Polls until the run has trained to at least {@code step}. */
    public void awaitStep(String id, long step, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (run(id).get("progress").get("step").asLong() < step) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("run " + id + " did not reach step " + step + " within " + timeoutSeconds
                        + " s (asked " + name + ")");
            sleep(50);
        }
    }

    /** The run's metric rows (JSON: exact doubles). */
    public JsonNode metrics(String id) {
        return get("/api/runs/" + id + "/metrics").json().get("rows");
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The log's last lines, for failure messages. */
    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return System.lineSeparator() + "--- " + name + " (" + log + ") ---" + System.lineSeparator()
                + String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** SIGKILL if still running (a paused member is resumed first, so it can die). */
    @Override
    public void close() {
        if (!process.isAlive()) return;
        signal("CONT");
        kill();
    }

    /** The root pom's {@code jvm.args}: the flags every test JVM gets (Vector API, Hazelcast's opens). */
    static final class JvmArgs {
        private static final Pattern ARGS = Pattern.compile("<jvm\\.args>([^<]*)</jvm\\.args>");

        private JvmArgs() {}

        static List<String> fromRootPom() {
            for (File d = new File(System.getProperty("user.dir")).getAbsoluteFile();
                    d != null;
                    d = d.getParentFile()) {
                Path pom = d.toPath().resolve("pom.xml");
                if (!Files.isRegularFile(pom)) continue;
                try {
                    Matcher m = ARGS.matcher(Files.readString(pom, StandardCharsets.UTF_8));
                    if (m.find()) return List.of(m.group(1).trim().split("\\s+"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            throw new IllegalStateException(
                    "no pom.xml with <jvm.args> in " + System.getProperty("user.dir") + " or above");
        }
    }
}

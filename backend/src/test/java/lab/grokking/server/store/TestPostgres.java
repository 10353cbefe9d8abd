package lab.grokking.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A PostgreSQL server for tests, one per test JVM: the one {@code GROKLAB_TEST_PG_URL} names (with
 * {@code GROKLAB_TEST_PG_USER}, {@code GROKLAB_TEST_PG_PASSWORD}), else a throwaway one of Debian's {@code postgresql}
 * package started here (initdb + pg_ctl on a free loopback port, data under target/pg-PID, run as the postgres user
 * when this JVM is root, since initdb refuses root; stopped and deleted by a shutdown hook). Each test class takes a
 * fresh database of it with {@link #newDatabase()}. When none can be had, a test fails saying how to get one.
 */
public final class TestPostgres {
    /** How to get a server, in the failure of a test that needs one. */
    static final String HOW = "install Debian's postgresql package (./lab test installs it: apt-get install -y"
            + " postgresql) or set GROKLAB_TEST_PG_URL=jdbc:postgresql://HOST:PORT/DB (and GROKLAB_TEST_PG_USER,"
            + " GROKLAB_TEST_PG_PASSWORD) to a server where that user may CREATE DATABASE";

    private static TestPostgres shared;

    private final String url, user, password;
    private final AtomicInteger databases = new AtomicInteger();

    private TestPostgres(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** The server of this test JVM, started on first use. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            String url = System.getenv("GROKLAB_TEST_PG_URL");
            shared = url != null && !url.isBlank()
                    ? new TestPostgres(
                            url,
                            orDefault(System.getenv("GROKLAB_TEST_PG_USER"), "postgres"),
                            orDefault(System.getenv("GROKLAB_TEST_PG_PASSWORD"), ""))
                    : local();
        }
        return shared;
    }

    private static String orDefault(String v, String fallback) {
        return v == null || v.isBlank() ? fallback : v;
    }

    /** A database of its own (CREATE DATABASE with a fresh name): its JDBC URL. */
    public String newDatabase() {
        String name = "groklab_t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create a test database on " + url.split("\\?")[0] + ": " + e.getMessage() + "; " + HOW, e);
        }
        return withDatabase(url, name);
    }

    /** A store on {@code url} as a member opens it (cluster.maxNoHeartbeatSeconds at its default). */
    public PostgresRunStore store(String url, int poolSize) {
        return new PostgresRunStore(
                url, user(), password(), poolSize, new lab.grokking.server.ServerConfig().clusterMaxNoHeartbeatSeconds);
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The URL with its database replaced (parameters kept). */
    static String withDatabase(String url, String db) {
        String prefix = "jdbc:postgresql://";
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q), params = q < 0 ? "" : url.substring(q);
        int slash = base.indexOf('/', prefix.length());
        return (slash < 0 ? base : base.substring(0, slash)) + "/" + db + params;
    }

    // --- a throwaway server of Debian's package -------------------------------------------------------------------

    private static TestPostgres local() {
        Path bin = binaries();
        Path target = Path.of("target").toAbsolutePath();
        stopLeftovers(bin, target);
        Path dir = target.resolve("pg-" + ProcessHandle.current().pid());
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
            if (root) exec(List.of("chown", "postgres", dir.toString()), false, dir.resolve("chown.log"));
            int port = freePort();
            Path data = dir.resolve("data"), log = dir.resolve("server.log");
            exec(
                    List.of(
                            bin.resolve("initdb").toString(),
                            "-D",
                            data.toString(),
                            "-A",
                            "trust",
                            "-U",
                            "postgres",
                            "-E",
                            "UTF8",
                            "--no-sync"),
                    root,
                    dir.resolve("initdb.log"));
            exec(
                    List.of(
                            bin.resolve("pg_ctl").toString(),
                            "-D",
                            data.toString(),
                            "-o",
                            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=300"
                                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                            "-l",
                            log.toString(),
                            "-w",
                            "-t",
                            "60",
                            "start"),
                    root,
                    dir.resolve("pg_ctl.log"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(bin, dir, root), "groklab-test-postgres-stop"));
            return new TestPostgres("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start a test PostgreSQL in " + dir + ": " + e.getMessage() + "; " + HOW, e);
        }
    }

    /** The newest /usr/lib/postgresql/VERSION/bin with initdb and pg_ctl. */
    private static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(root))
            try (Stream<Path> versions = Files.list(root)) {
                versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        return found.stream()
                .max(Comparator.comparingInt(
                        b -> version(b.getParent().getFileName().toString())))
                .orElseThrow(() -> new IllegalStateException(
                        "this test needs PostgreSQL and none is installed (no /usr/lib/postgresql/*/bin/initdb): "
                                + HOW));
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name.split("\\.")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs a command (as the postgres user when {@code asPostgres}); its output goes to {@code log}, shown if it fails. */
    private static void exec(List<String> command, boolean asPostgres, Path log) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgres) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(command);
        Process p = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", full) + " did not end within 90 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + full.getFirst(), e);
        }
        if (p.exitValue() != 0)
            throw new IOException(String.join(" ", full) + " exited with " + p.exitValue() + ": "
                    + Files.readString(log, StandardCharsets.UTF_8).strip());
    }

    private static void stop(Path bin, Path dir, boolean root) {
        try {
            exec(
                    List.of(
                            bin.resolve("pg_ctl").toString(),
                            "-D",
                            dir.resolve("data").toString(),
                            "-m",
                            "immediate",
                            "-w",
                            "stop"),
                    root,
                    dir.resolve("stop.log"));
            deleteTree(dir);
        } catch (IOException e) {
            System.err.println("test PostgreSQL in " + dir + " not stopped: " + e.getMessage());
        }
    }

    /** Servers of test JVMs that were killed (no shutdown hook ran): stopped and deleted. */
    private static void stopLeftovers(Path bin, Path target) {
        if (!Files.isDirectory(target)) return;
        boolean root = "root".equals(System.getProperty("user.name"));
        try (Stream<Path> dirs = Files.list(target)) {
            for (Path d : dirs.filter(d -> d.getFileName().toString().matches("pg-\\d+"))
                    .toList()) {
                long pid = Long.parseLong(d.getFileName().toString().substring(3));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                if (Files.exists(d.resolve("data/postmaster.pid"))) stop(bin, d, root);
                else deleteTree(d);
            }
        } catch (IOException e) {
            System.err.println("cannot clear old test PostgreSQL directories: " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TestPostgres[%s as %s]", url.split("\\?")[0], user);
    }
}

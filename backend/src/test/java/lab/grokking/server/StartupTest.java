package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.BindException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import lab.grokking.server.queue.FairQueue;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.SqliteRunStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails says so in one sentence and leaves nothing open: a port in use (after the store and the workers
 * have started) and a data directory that cannot be written. The CLI side, as a process: cli.StartupFailureTest.
 */
class StartupTest {
    @TempDir
    Path dir;

    static Set<Thread> workerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("groklab-run-"))
                .collect(Collectors.toSet());
    }

    @Test
    void aPortInUseIsOneSentenceAndClosesTheStoreAndTheWorkers() throws IOException {
        Set<Thread> before = workerThreads();
        try (ServerSocket busy = new ServerSocket(0)) {
            int port = busy.getLocalPort();
            StartupException e = assertThrows(
                    StartupException.class,
                    () -> GrokLabServer.start(cfg -> {
                        cfg.port = port;
                        cfg.dataDir = dir;
                        cfg.webUi = false;
                    }));
            assertEquals(
                    "port " + port + " is already in use; stop the other process or set GROKLAB_PORT", e.getMessage());
        }
        Set<Thread> left = workerThreads();
        left.removeAll(before);
        assertEquals(Set.of(), left, "the workers of the failed start have ended");
        // the store's connection is closed: closing the last one checkpoints and deletes the log
        assertTrue(Files.exists(dir.resolve("runs.db")));
        assertFalse(Files.exists(dir.resolve("runs.db-wal")), "runs.db-wal is gone: the store was closed");
        try (TestServer again = new TestServer(dir, cfg -> cfg.webUi = false)) {
            assertEquals(200, again.get("/api/health").status());
        }
    }

    /** {@code real}, recording its close; {@code unfinished()} throws when {@code failRecovery}. */
    static RunStore spy(RunStore real, AtomicBoolean closed, boolean failRecovery) {
        return (RunStore) Proxy.newProxyInstance(
                RunStore.class.getClassLoader(), new Class<?>[] {RunStore.class}, (proxy, m, args) -> {
                    if (m.getName().equals("close")) closed.set(true);
                    if (failRecovery && m.getName().equals("unfinished"))
                        throw new IllegalStateException("run store: cannot list unfinished runs");
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException ex) {
                        throw ex.getCause();
                    }
                });
    }

    ServerConfig config(int port) {
        ServerConfig cfg = new ServerConfig();
        cfg.port = port;
        cfg.dataDir = dir;
        cfg.webUi = false;
        return cfg;
    }

    @Test
    void aPortInUseClosesTheStoreAndExecutorItWasGiven() throws IOException {
        AtomicBoolean storeClosed = new AtomicBoolean();
        RunStore store = spy(new SqliteRunStore(dir), storeClosed, false);
        Set<Thread> before = workerThreads();
        FairQueue executor = new FairQueue(2, 2, 8, 100);
        try (ServerSocket busy = new ServerSocket(0)) {
            assertThrows(
                    StartupException.class, () -> GrokLabServer.start(config(busy.getLocalPort()), store, executor));
        }
        assertTrue(storeClosed.get(), "the store was closed");
        Set<Thread> left = workerThreads();
        left.removeAll(before);
        assertEquals(Set.of(), left, "the executor's workers have ended");
    }

    /** Recovery fails after Javalin is listening: the failure passes through, and the port is free again. */
    @Test
    void aFailureAfterTheServerListensClosesEverythingAndFreesThePort() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        AtomicBoolean storeClosed = new AtomicBoolean();
        RunStore store = spy(new SqliteRunStore(dir), storeClosed, true);
        Set<Thread> before = workerThreads();
        FairQueue executor = new FairQueue(2, 2, 8, 100);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> GrokLabServer.start(config(port), store, executor));
        assertEquals("run store: cannot list unfinished runs", e.getMessage());
        assertTrue(storeClosed.get(), "the store was closed");
        Set<Thread> left = workerThreads();
        left.removeAll(before);
        assertEquals(Set.of(), left, "the executor's workers have ended");
        try (ServerSocket again = new ServerSocket(port)) {
            assertEquals(port, again.getLocalPort(), "Javalin let go of the port");
        }
    }

    /** A port taken between the check and Jetty's bind: Javalin's exception reads as the same sentence. */
    @Test
    void javalinsBindFailureReadsAsTheSentence() {
        RuntimeException e = Startup.failed(
                config(7070),
                new JavalinBindException(
                        "Port already in use. Make sure no other process is using port 7070 and try again.",
                        new IOException("Failed to bind", new BindException("Address already in use"))));
        assertInstanceOf(StartupException.class, e);
        assertEquals("port 7070 is already in use; stop the other process or set GROKLAB_PORT", e.getMessage());
        RuntimeException denied = Startup.failed(
                config(80),
                new JavalinBindException(
                        "Port 1-1023 require elevated privileges.", new BindException("Permission denied")));
        assertEquals(
                "cannot listen on port 80 (Port 1-1023 require elevated privileges.); set GROKLAB_PORT to another port",
                denied.getMessage());
        IllegalStateException other = new IllegalStateException("other");
        assertSame(other, Startup.failed(config(7070), other));
    }

    @Test
    void aDataDirectoryUnderAFileIsOneSentence() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Path data = file.resolve("data"); // fails for root too, unlike a chmod
        StartupException e = assertThrows(
                StartupException.class,
                () -> GrokLabServer.start(cfg -> {
                    cfg.port = 0;
                    cfg.dataDir = data;
                }));
        assertTrue(
                e.getMessage().startsWith("cannot write to the data directory " + data.toAbsolutePath() + " ("),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("); set GROKLAB_DATA_DIR to a writable directory"), e.getMessage());
        System.out.println(e.getMessage());
    }

    @Test
    void aDataDirectoryThatIsAFileIsOneSentence() throws IOException {
        Path file = Files.writeString(dir.resolve("data"), "x");
        StartupException e = assertThrows(
                StartupException.class,
                () -> GrokLabServer.start(cfg -> {
                    cfg.port = 0;
                    cfg.dataDir = file;
                }));
        assertTrue(e.getMessage().contains("cannot write to the data directory " + file), e.getMessage());
        System.out.println(e.getMessage());
    }
}

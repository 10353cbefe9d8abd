package lab.grokking.server;

import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What {@link GrokLabServer#start} checks before it opens anything, and how a failed start reads. */
final class Startup {
    private static final System.Logger LOG = System.getLogger(Startup.class.getName());

    private Startup() {}

    /**
     * Creates the data directory if needed and writes a file in it: an unwritable directory is named here, not
     * later as an SQLite error.
     */
    static void checkDataDir(Path dir) {
        Path abs = dir.toAbsolutePath();
        try {
            Files.createDirectories(abs);
            Files.delete(Files.createTempFile(abs, ".write-check", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw failed(
                    "cannot write to the data directory " + abs + " (" + reason(e)
                            + "); set GROKLAB_DATA_DIR to a writable directory",
                    e);
        }
    }

    /**
     * Binds the port for a moment, as Jetty will: Javalin logs its own error line when Jetty's bind fails, so a port
     * taken by another process is reported here instead (one taken in between still ends in {@link #failed}).
     */
    static void checkPort(int port) {
        if (port == 0) return;
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Jetty's connector
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw failed(cannotListen(port, e), e);
        }
    }

    private static String cannotListen(int port, Throwable e) {
        String why = String.valueOf(e.getMessage());
        return why.contains("in use")
                ? "port " + port + " is already in use; stop the other process or set GROKLAB_PORT"
                : "cannot listen on port " + port + " (" + why + "); set GROKLAB_PORT to another port";
    }

    /** The failure of a start that got past the checks, as one sentence where it is a known one. */
    static RuntimeException failed(ServerConfig cfg, RuntimeException e) {
        if (e instanceof StartupException) return e;
        for (Throwable t = e; t != null; t = t.getCause())
            if (t instanceof JavalinBindException || t instanceof BindException)
                return failed(cannotListen(cfg.port, t), e);
        LOG.log(System.Logger.Level.DEBUG, "start-up failed", e);
        return e;
    }

    private static StartupException failed(String sentence, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, sentence, cause);
        return new StartupException(sentence, cause);
    }

    private static String reason(Exception e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied";
            case FileAlreadyExistsException f -> f.getFile() + " is a file, not a directory";
            case FileSystemException f
            when f.getReason() != null -> f.getReason().toLowerCase(Locale.ROOT);
            default -> e.getMessage();
        };
    }
}

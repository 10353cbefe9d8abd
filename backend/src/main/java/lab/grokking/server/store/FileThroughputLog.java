package lab.grokking.server.store;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import lab.grokking.core.task.ThroughputLog;

/**
 * The estimate corrections of this host in {@code throughput.properties} beside the runs: a property of the
 * machine, not of a run, so each data directory keeps its own. Written whole to a temporary file and moved into
 * place, so a crash leaves the old file or the new one; an unreadable file is ignored (estimates start over).
 */
public final class FileThroughputLog implements ThroughputLog {
    private static final System.Logger LOG = System.getLogger(FileThroughputLog.class.getName());
    private final Path file;

    public FileThroughputLog(Path dataDir) {
        this.file = dataDir.resolve("throughput.properties");
    }

    @Override
    public synchronized Map<String, Double> load() {
        return Map.copyOf(read());
    }

    /** Adds to what is on disk (another process on the same data directory may have saved other keys since). */
    @Override
    public synchronized void save(String key, double factor) {
        Map<String, Double> all = read();
        all.put(key, factor);
        Properties p = new Properties();
        all.forEach((k, v) -> p.setProperty(k, Double.toString(v)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(out, "Grokking Lab: measured/predicted run time per task/kernel/size class on this host");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) { // a full disk costs the estimate its correction, never a run
            LOG.log(System.Logger.Level.WARNING, "cannot save " + file + ": " + e.getMessage());
        }
    }

    private Map<String, Double> read() {
        Map<String, Double> out = new TreeMap<>();
        if (!Files.exists(file)) return out;
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable " + file + ": " + e.getMessage());
            return out;
        }
        for (String k : p.stringPropertyNames()) {
            try {
                double f = Double.parseDouble(p.getProperty(k));
                if (f > 0 && Double.isFinite(f)) out.put(k, f);
            } catch (NumberFormatException e) {
                LOG.log(System.Logger.Level.WARNING, "ignoring " + k + " in " + file + ": not a number");
            }
        }
        return out;
    }
}

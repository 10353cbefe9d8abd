package lab.grokking.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import lab.grokking.core.config.Configs;

/**
 * What a result came from (Tribuo-style): config (canonical JSON), seed and code version — same triple → same
 * numbers — and, recorded but never changing a result, the kernels and threads the steps ran on, the Java
 * version, the host and the start time.
 */
public record Provenance(
        String config,
        long seed,
        String codeVersion,
        String kernels,
        int threads,
        String java,
        String host,
        Instant started) {
    /** Project version + git commit, e.g. "0.1.0-SNAPSHOT+3f2a9c1e7b0d" ("-dirty" when built with uncommitted changes). */
    public static final String CODE_VERSION = readVersion();

    private static final String HOST = hostName();

    /** The provenance of a run of this config started now on this host with this code. */
    public static Provenance of(String canonicalConfig, long seed, String kernels, int threads, Instant started) {
        return new Provenance(
                canonicalConfig,
                seed,
                CODE_VERSION,
                kernels,
                threads,
                Runtime.version().toString(),
                HOST,
                started);
    }

    /** As a JSON-ready map in a fixed key order, the config as a JSON tree. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            m.put("config", Configs.JSON.readTree(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("provenance holds a config that is not JSON", e);
        }
        m.put("seed", seed);
        m.put("code_version", codeVersion);
        m.put("kernels", kernels);
        m.put("threads", threads);
        m.put("java", java);
        m.put("host", host);
        m.put("started", started.toString());
        return m;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env;
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String readVersion() {
        return property("/groklab-version.properties", "version") + "+" + property("/groklab-git.properties", "commit");
    }

    private static String property(String resource, String key) {
        try (InputStream in = Provenance.class.getResourceAsStream(resource)) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty(key, "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

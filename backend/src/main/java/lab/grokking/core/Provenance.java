package lab.grokking.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What a result came from: config (canonical JSON), seed and code version. Same triple → same numbers;
 * kernel and thread count are recorded but never change a result.
 */
public record Provenance(String config, long seed, String codeVersion, String kernels, int threads, String java) {
    public static final String CODE_VERSION = readVersion();

    /** Project version + git commit, e.g. "0.1.0-SNAPSHOT+3f2a9c1e7b0d" ("-dirty" when built with uncommitted changes). */
    /** As a JSON-ready map in a fixed key order, the config as a JSON tree. */
    public java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        try {
            m.put("config", lab.grokking.core.config.Configs.JSON.readTree(config));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("provenance holds a config that is not JSON", e);
        }
        m.put("seed", seed);
        m.put("code_version", codeVersion);
        m.put("kernels", kernels);
        m.put("threads", threads);
        m.put("java", java);
        return m;
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

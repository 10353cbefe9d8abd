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

    private static String readVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream("/groklab-version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

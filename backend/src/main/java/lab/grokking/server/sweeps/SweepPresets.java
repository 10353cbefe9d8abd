package lab.grokking.server.sweeps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.TaskSpecs;

/**
 * The sweep presets shipped in config/sweeps (listed in index.txt), read from the jar: each {@code {id, title,
 * description, preset | base, axes, seeds}}; posting {@code {"sweep": id}} posts its request.
 */
public final class SweepPresets {
    private static final List<ObjectNode> ALL = load();

    private SweepPresets() {}

    public static List<ObjectNode> all() {
        return ALL;
    }

    /** The request a preset stands for: its title, base, axes and seeds. */
    static ObjectNode request(String id) {
        ObjectNode p = ALL.stream()
                .filter(x -> x.get("id").asText().equals(id))
                .findFirst()
                .orElseThrow(() -> new ConfigException(
                        "sweep",
                        "unknown sweep preset '" + TaskSpecs.abbreviate(id) + "'; see GET /api/sweeps/presets"));
        ObjectNode r = p.deepCopy();
        r.remove(List.of("id", "description"));
        return r;
    }

    private static List<ObjectNode> load() {
        List<ObjectNode> out = new ArrayList<>();
        try (InputStream idx = SweepPresets.class.getResourceAsStream("/config/sweeps/index.txt")) {
            if (idx == null) throw new IllegalStateException("config/sweeps/index.txt missing from the classpath");
            for (String name : new String(idx.readAllBytes(), StandardCharsets.UTF_8).split("\\s+")) {
                if (name.isBlank()) continue;
                try (InputStream in = SweepPresets.class.getResourceAsStream("/config/sweeps/" + name)) {
                    if (in == null) throw new IllegalStateException("sweep preset listed but missing: " + name);
                    JsonNode n = Configs.JSON.readTree(in);
                    for (String f : List.of("id", "title", "description"))
                        if (!n.path(f).isTextual())
                            throw new IllegalStateException("sweep preset " + name + " lacks \"" + f + "\"");
                    out.add((ObjectNode) n);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read sweep presets", e);
        }
        if (out.stream().map(n -> n.get("id").asText()).distinct().count() != out.size())
            throw new IllegalStateException("two sweep presets share an id");
        return List.copyOf(out);
    }
}

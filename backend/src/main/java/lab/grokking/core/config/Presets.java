package lab.grokking.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;

/** The experiment presets shipped in config/presets (one per paper figure and scale), read from the jar. */
public final class Presets {
    public record Preset(String id, String figure, String scale, String title, String description, ObjectNode config) {}

    private static final List<Preset> ALL = load();

    private Presets() {}

    public static List<Preset> all() {
        return ALL;
    }

    public static Preset get(String figure, String scale) {
        return ALL.stream()
                .filter(p -> p.figure().equals(figure) && p.scale().equals(scale))
                .findFirst()
                .orElseThrow(() -> new ConfigException(
                        "figure",
                        "no preset for figure '" + figure + "' at scale '" + scale + "'; known: "
                                + String.join(", ", ALL.stream().map(Preset::id).toList())));
    }

    /**
     * Every preset of a figure at a scale, in index order: one for most figures, several for a series figure
     * (Fig. 2b over α, Fig. 2c over λ), whose members are runnable presets of their own.
     */
    public static List<Preset> series(String figure, String scale) {
        List<Preset> out = ALL.stream()
                .filter(p -> p.figure().equals(figure) && p.scale().equals(scale))
                .toList();
        if (out.isEmpty()) get(figure, scale); // throws the "no preset" error
        return out;
    }

    private static List<Preset> load() {
        List<Preset> out = new ArrayList<>();
        try (InputStream idx = Presets.class.getResourceAsStream("/config/presets/index.txt")) {
            if (idx == null) throw new IllegalStateException("config/presets/index.txt missing from the classpath");
            for (String name : new String(idx.readAllBytes(), StandardCharsets.UTF_8).split("\\s+")) {
                if (!name.isBlank()) out.add(read(Presets.class, "/config/presets/" + name));
            }
            for (TaskSpec<?> spec : TaskSpecs.all()) // a plug-in task's presets live beside its classes
            for (String name : spec.presets()) out.add(read(spec.getClass(), name));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read presets", e);
        }
        if (out.stream().map(Preset::id).distinct().count() != out.size())
            throw new IllegalStateException("two presets share an id");
        return List.copyOf(out);
    }

    private static Preset read(Class<?> owner, String name) throws IOException {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("preset listed but missing: " + name);
            JsonNode n = Configs.JSON.readTree(in);
            Preset p = new Preset(
                    n.get("id").asText(),
                    n.get("figure").asText(),
                    n.get("scale").asText(),
                    n.get("title").asText(),
                    n.get("description").asText(),
                    (ObjectNode) n.get("config"));
            if (!p.config().has("task")) throw new IllegalStateException("preset " + name + " has no task");
            return p;
        }
    }
}

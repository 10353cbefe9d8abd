package lab.grokking.web.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;

/** A run's heading: its task's title from the parameters the paper varies, then α, η and λ (every task has them). */
public final class RunTitles {
    private RunTitles() {}

    public static String of(String task, JsonNode c) {
        return name(task, c)
                + String.format(
                        Locale.ROOT,
                        ": α = %s, η = %s, λ = %s",
                        c.path("alpha").asText(),
                        c.path("lr").asText(),
                        c.path("weightDecay").asText());
    }

    /** The spec's run title; its plain title when the stored config no longer parses (older code), the task's name when it is unknown. */
    private static String name(String task, JsonNode c) {
        TaskSpec<?> spec;
        try {
            spec = TaskSpecs.get(task);
        } catch (ConfigException e) {
            return task;
        }
        if (!(c instanceof ObjectNode doc)) return spec.title();
        try {
            return title(Configs.parse(doc));
        } catch (IllegalArgumentException e) { // a ConfigException, or a config of another task
            return spec.title();
        }
    }

    private static <C extends RunConfig> String title(C cfg) {
        return TaskSpecs.of(cfg).runTitle(cfg);
    }
}

package lab.grokking.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import lab.grokking.core.diag.DiagConfig;
import lab.grokking.core.mc.McConfig;
import lab.grokking.core.modadd.ModaddConfig;

/** The registry of tasks: name → config type and documented defaults. */
public final class Tasks {
    private record Entry(Class<? extends RunConfig> type, RunConfig defaults) {}

    private static final Map<String, Entry> TASKS = new TreeMap<>(Map.of(
            DiagConfig.TASK, new Entry(DiagConfig.class, DiagConfig.DEFAULTS),
            McConfig.TASK, new Entry(McConfig.class, McConfig.DEFAULTS),
            ModaddConfig.TASK, new Entry(ModaddConfig.class, ModaddConfig.DEFAULTS)));

    private Tasks() {}

    public static String names() { return String.join(", ", TASKS.keySet()); }

    static Class<? extends RunConfig> configType(String task) { return entry(task).type(); }

    public static ObjectNode defaults(String task) { return Configs.toTree(entry(task).defaults()); }

    private static Entry entry(String task) {
        Entry e = TASKS.get(task);
        if (e == null) throw new ConfigException("task", "unknown task '" + abbreviate(task) + "'; known: " + names());
        return e;
    }

    static String abbreviate(String s) { return s.length() <= 40 ? s : s.substring(0, 40) + "…"; }
}

package lab.grokking.core.task;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.RunConfig;

/** The registered tasks: every {@link TaskSpec} on the class path ({@code META-INF/services/lab.grokking.core.task.TaskSpec}), by name. */
public final class TaskSpecs {
    private static final Map<String, TaskSpec<?>> ALL = load();

    private TaskSpecs() {}

    private static Map<String, TaskSpec<?>> load() {
        Map<String, TaskSpec<?>> m = new TreeMap<>();
        for (TaskSpec<?> s : ServiceLoader.load(TaskSpec.class, TaskSpecs.class.getClassLoader())) {
            TaskSpec<?> old = m.put(s.name(), s);
            if (old != null)
                throw new IllegalStateException(
                        "two tasks named '" + s.name() + "': " + old.getClass() + " and " + s.getClass());
        }
        if (m.isEmpty())
            throw new IllegalStateException("no TaskSpec registered in META-INF/services/" + TaskSpec.class.getName());
        return Collections.unmodifiableMap(m);
    }

    /** Every task, by name. */
    public static Collection<TaskSpec<?>> all() {
        return ALL.values();
    }

    public static String names() {
        return String.join(", ", ALL.keySet());
    }

    /** The task of this name, or a ConfigException on the "task" field naming the known ones. */
    public static TaskSpec<?> get(String name) {
        TaskSpec<?> s = ALL.get(name);
        if (s == null) throw new ConfigException("task", "unknown task '" + abbreviate(name) + "'; known: " + names());
        return s;
    }

    /** The spec of a config's task, typed by the config. */
    @SuppressWarnings("unchecked")
    public static <C extends RunConfig> TaskSpec<C> of(C cfg) {
        TaskSpec<?> s = get(cfg.task());
        if (!s.configType().isInstance(cfg))
            throw new IllegalArgumentException(cfg.getClass().getSimpleName() + " is not a config of task " + s.name());
        return (TaskSpec<C>) s;
    }

    /** A user's string, cut for an error message. */
    public static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}

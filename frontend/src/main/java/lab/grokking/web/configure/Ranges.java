package lab.grokking.web.configure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Tasks;

/**
 * Each numeric field's valid range, as the server's own validation states it: the task's defaults with the
 * field set far out of range, and the interval read from the message. One source of truth for the form's hints.
 */
final class Ranges {
    private static final Pattern RANGE = Pattern.compile("must be in ([\\[(][^\\]]+\\])");
    private static final Map<String, Map<String, String>> CACHE = new ConcurrentHashMap<>();

    private Ranges() {}

    static Map<String, String> of(String task) {
        return CACHE.computeIfAbsent(task, t -> {
            Map<String, String> out = new ConcurrentHashMap<>();
            for (Fields.Field f : Fields.of(t)) {
                if (f.kind() != Fields.Kind.INTEGER && f.kind() != Fields.Kind.NUMBER) continue;
                ObjectNode doc = Tasks.defaults(t);
                if (f.kind() == Fields.Kind.INTEGER) doc.put(f.name(), -1_000_000_000); // fits an int field, below every minimum
                else doc.put(f.name(), -1e300);
                try {
                    Configs.parse(doc).validate(lab.grokking.core.config.Limits.DEFAULT);
                } catch (ConfigException e) {
                    e.problems().stream().filter(p -> p.field().equals(f.name())).findFirst().ifPresent(p -> {
                        Matcher m = RANGE.matcher(p.message());
                        if (m.find()) out.put(f.name(), m.group(1));
                    });
                }
            }
            return Map.copyOf(out);
        });
    }
}

package lab.grokking.core.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lab.grokking.core.config.Checks;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.core.config.RunConfig;

/** Validates a config against its task's declared fields and rules, and its cost against the limits: one place for every task. */
public final class Validation {
    private Validation() {}

    /** The field ranges and cross-field rules; throws {@link ConfigException} naming every problem. */
    public static <C extends RunConfig> void fields(C cfg) {
        Checks c = fieldChecks(cfg);
        c.throwIfAny();
    }

    /** The fields, then (when they are valid) the run's memory and work against {@code limits}. */
    public static <C extends RunConfig> void withLimits(C cfg, Limits limits) {
        Checks c = fieldChecks(cfg);
        if (c.problems().isEmpty()) {
            Cost cost = cfg.cost();
            if (cost.memoryBytes() > limits.maxMemoryBytes())
                c.fail(
                        cost.memoryFields(),
                        "need ~" + (cost.memoryBytes() >> 20) + " MiB (" + cost.memoryNote()
                                + "), above the memory limit of " + (limits.maxMemoryBytes() >> 20) + " MiB");
            if (cost.work() > limits.maxWork())
                c.fail(
                        "steps",
                        String.format(
                                "the run needs ~%.2g multiply-adds (%s; ~%s on this machine), above the work limit of %.2g",
                                cost.work(), cost.workNote(), Durations.human(cost.seconds()), limits.maxWork()));
        }
        c.throwIfAny();
    }

    private static <C extends RunConfig> Checks fieldChecks(C cfg) {
        TaskSpec<C> spec = TaskSpecs.of(cfg);
        Checks c = new Checks();
        if (!spec.name().equals(cfg.task())) c.fail("task", "must be '" + spec.name() + "'");
        ObjectNode tree = Configs.toTree(cfg);
        for (FieldSpec f : spec.fields()) {
            JsonNode v = tree.get(f.key());
            if (v == null)
                throw new IllegalStateException(
                        spec.name() + " declares field '" + f.key() + "' that its config lacks");
            if (f.applies(tree)) f.check(c, v);
        }
        spec.validate(cfg, c);
        return c;
    }
}

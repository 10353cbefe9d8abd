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

    /** The fields, then (when they are valid) the run's memory, work and disk against {@code limits}. */
    public static <C extends RunConfig> void withLimits(C cfg, Limits limits) {
        Checks c = fieldChecks(cfg);
        if (c.problems().isEmpty()) {
            Cost cost = cfg.cost();
            Storage st = cost.storage();
            if (cost.memoryBytes() > limits.maxMemoryBytes())
                c.fail(
                        cost.memoryFields(),
                        "need ~" + mib(cost.memoryBytes()) + " MiB (" + cost.memoryNote() + "; ~"
                                + mib(st.memoryBytes()) + " MiB of snapshots, rows and checkpoint held for the store)"
                                + ", above the memory limit of " + mib(limits.maxMemoryBytes()) + " MiB"
                                + (limits.memoryBasis() == null ? "" : " (" + limits.memoryBasis() + ")"));
            if (cost.work() > limits.maxWork())
                c.fail(
                        "steps",
                        String.format(
                                "the run needs ~%.2g multiply-adds (%s; ~%s on this machine), above the work limit of %.2g",
                                cost.work(), cost.workNote(), Durations.human(cost.seconds()), limits.maxWork()));
            boolean perRun = limits.maxDiskBytes() <= limits.clientDiskBytes();
            long disk = perRun ? limits.maxDiskBytes() : limits.clientDiskBytes();
            if (cost.diskBytes() > disk)
                c.fail(
                        st.fields(),
                        "the run stores ~" + mib(cost.diskBytes()) + " MiB (" + st.note() + "), above "
                                + (perRun
                                        ? "the per-run disk limit limits.maxDiskBytes"
                                        : "a client's disk quota limits.clientDiskBytes")
                                + " of " + mib(disk) + " MiB");
        }
        c.throwIfAny();
    }

    /** Whole MiB, rounded up: a limit of 0.3 MiB is not "0 MiB". */
    static long mib(long bytes) {
        return (bytes + (1L << 20) - 1) >> 20;
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

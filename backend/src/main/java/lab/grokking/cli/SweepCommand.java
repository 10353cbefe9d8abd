package lab.grokking.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lab.grokking.core.RunListener;
import lab.grokking.core.RunResult;
import lab.grokking.core.RunStatus;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.core.sweep.Classification;
import lab.grokking.core.sweep.LawFit;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.core.sweep.Outcomes;
import lab.grokking.core.task.Durations;
import lab.grokking.core.task.Estimates;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.sweeps.RunOutcomes;
import lab.grokking.server.sweeps.SweepGrid;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sweep --config FILE}: a sweep request (the body of POST /api/sweeps, or {"sweep": PRESET}) run in this
 * process, one member after another under the CLI's limits, nothing stored: one line per member with its outcome, then
 * the law's fit. For a sweep that outlives the terminal, post it to a server.
 */
@Command(
        name = "sweep",
        description = "Run a sweep file (the body of POST /api/sweeps) in this process: one line per member, then the"
                + " fit of the law λη·k* against ln α.")
final class SweepCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "sweep JSON file")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String text = Main.configText(config);
        ObjectNode body = Configs.readObject(text, "sweep");
        SweepGrid.Plan plan = SweepGrid.parse(body, Limits.DEFAULT, new ServerConfig().sweepMembers);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Estimates estimates = Estimates.inMemory();
        double seconds = plan.members().stream()
                .mapToDouble(m -> estimates.seconds(m.config()))
                .sum();
        err.printf(
                "%s: %d members, estimated %s on this machine%n",
                plan.title(), plan.members().size(), Durations.human(seconds));
        var metric = TaskSpecs.get(plan.task()).outcome();
        List<ObjectNode> configs = new ArrayList<>();
        List<Classification> classes = new ArrayList<>();
        boolean allFinished = true;
        for (SweepGrid.Planned m : plan.members()) {
            long t0 = System.nanoTime();
            RunResult r = m.config().newTask().run(RunListener.NONE);
            boolean finished = r.status() == RunStatus.FINISHED;
            allFinished &= finished;
            Classification c =
                    Outcomes.classify(metric, r.metrics().columns(), r.metrics().rows(), finished);
            out.printf(
                    Locale.ROOT,
                    "member %d (%s): %s, fit step %s, transition step %s, delay %s (%.1f s)%s%n",
                    m.index(),
                    m.describe(),
                    c.outcome().label(),
                    c.fitStep(),
                    c.transitionStep(),
                    c.delay(),
                    (System.nanoTime() - t0) / 1e9,
                    finished ? "" : ": " + r.message());
            out.flush();
            configs.add(Configs.toTree(m.config()));
            classes.add(c);
        }
        LawFit f = RunOutcomes.law(configs, classes);
        if (f == null)
            out.printf(
                    "law: no fit (%d grokked members with α, λ, η; at least %d with different α needed)%n",
                    classes.stream().filter(c -> c.outcome() == Outcome.GROKKED).count(), LawFit.MIN_POINTS);
        else
            out.printf(
                    Locale.ROOT,
                    "law: λη·k* = %.4f·ln α %+.4f over %d grokked members; R² = %.4f; slope %.0f %% interval [%.4f,"
                            + " %.4f]; c = %.4f%n",
                    f.slope(),
                    f.intercept(),
                    f.points(),
                    f.r2(),
                    100 * LawFit.CONFIDENCE,
                    f.slopeLow(),
                    f.slopeHigh(),
                    f.c());
        return allFinished ? 0 : 3;
    }
}

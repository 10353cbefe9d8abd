// Runs per hour of a 16-member sweep trained as one batched cohort or one member after another (whole runs: set-up,
// steps, evaluations, snapshots), through the app's own run skeleton (SpecTask) as the server trains them.
// Run by bench/sweep.sh:  java --add-modules jdk.incubator.vector -Dgroklab.threads=N -cp CLASSPATH SweepBench.java --task diag --mode batched
import java.util.ArrayList;
import java.util.List;
import lab.grokking.core.RunListener;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.diag.DiagConfig;
import lab.grokking.core.linalg.Workers;
import lab.grokking.core.mc.McConfig;
import lab.grokking.core.task.Cohort;

public class SweepBench {
    /** α × λ grids of the benchmark (4 × 4), one data seed, fixed steps and evaluation schedule. */
    static final double[] DIAG_ALPHA = {32, 64, 128, 256}, DIAG_LAMBDA = {5e-4, 1e-3, 2e-3, 4e-3};
    static final double[] MC_ALPHA = {1, 3, 10, 30}, MC_LAMBDA = {1e-4, 3e-4, 1e-3, 3e-3};

    static List<RunConfig> sweep(String task, long steps, int evalPerDecade) {
        List<RunConfig> s = new ArrayList<>();
        if (task.equals("diag")) {
            for (double a : DIAG_ALPHA)
                for (double l : DIAG_LAMBDA)
                    s.add(new DiagConfig("diag", "sparse", 10_000, 256, 1000, 3, 25, 2, a, 0.01, l, steps, evalPerDecade, 1));
        } else {
            for (double a : MC_ALPHA)
                for (double l : MC_LAMBDA)
                    s.add(new McConfig("mc", "table", 97, 1, 0.05, a, 0, 0.1 / a, l, steps, evalPerDecade, 1));
        }
        return s;
    }

    static void batched(List<RunConfig> cfgs) throws InterruptedException {
        Cohort c = new Cohort(cfgs.size());
        List<Thread> ts = new ArrayList<>();
        for (RunConfig cfg : cfgs) {
            Cohort.Member m = c.join();
            ts.add(Thread.ofVirtual().start(() -> cfg.newTask(m).run(RunListener.NONE)));
        }
        for (Thread t : ts) t.join();
    }

    static void solo(List<RunConfig> cfgs) {
        for (RunConfig cfg : cfgs) cfg.newTask().run(RunListener.NONE);
    }

    public static void main(String[] args) throws Exception {
        String task = "diag", mode = "batched";
        long steps = 20_000;
        int evalPerDecade = 10;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--task" -> task = args[i + 1];
                case "--mode" -> mode = args[i + 1];
                case "--steps" -> steps = Long.parseLong(args[i + 1]);
                case "--eval-per-decade" -> evalPerDecade = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        boolean together = mode.equals("batched");
        // warm-up (the Vector API needs seconds of C2 compilation): the same sweep, short
        List<RunConfig> warm = sweep(task, Math.max(200, steps / 10), evalPerDecade);
        if (together) batched(warm); else solo(warm);
        List<RunConfig> cfgs = sweep(task, steps, evalPerDecade);
        long t0 = System.nanoTime();
        if (together) batched(cfgs); else solo(cfgs);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "impl=java-%s task=%s threads=%d members=%d steps=%d seconds=%.3f runs_per_hour=%.1f%n",
                mode, task, Workers.threads(), cfgs.size(), steps, s, cfgs.size() * 3600 / s);
    }
}

// Per-step time of the Java matrix-completion step, Fig. 3 (same output format as python/mc_step.py).
// One step = McTrainer.forward() (residuals on the observed entries) + McTrainer.step() (the GD update).
// Run by bench/run.sh:  java --add-modules jdk.incubator.vector -Dgroklab.threads=N -cp grokking-lab.jar McStepBench.java
// McTrainer splits a step into one part per 2¹⁴ of d·n, up to groklab.threads (d = 97 at 5 %: 2); the impl line reports
// the thread count the step actually uses.
import lab.grokking.core.linalg.Workers;
import lab.grokking.core.mc.McConfig;
import lab.grokking.core.mc.McData;
import lab.grokking.core.mc.McTrainer;

public class McStepBench {
    public static void main(String[] args) {
        McConfig def = McConfig.DEFAULTS; // Fig. 3: table target, d = 97, 5 % observed, α = 10, η = 0.1, λ = 1e-4, seed 1
        int d = def.d();
        double observed = def.observed();
        long seed = def.seed();
        double warmup = 3, blockSeconds = 0.25;
        int reps = 9, checkSteps = 10;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--d" -> d = Integer.parseInt(args[i + 1]);
                case "--observed" -> observed = Double.parseDouble(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                case "--block-seconds" -> blockSeconds = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        McConfig cfg = new McConfig(McConfig.TASK, "table", d, 1, observed, def.alpha(), 0, def.lr(), def.weightDecay(),
                def.steps(), def.evalPerDecade(), seed);
        McData data = McData.generate(cfg);
        int n = data.nTrain();
        McTrainer t = new McTrainer(cfg, data);
        String tag = String.format("impl=java-mc dtype=f64 threads=%d n=%d d=%d", t.threads(), n, d);

        // cross-check against python/mc_step.py: loss at θ₀ and after checkSteps steps (same Ω, same init)
        t.forward();
        double l0 = t.loss();
        for (int s = 0; s < checkSteps; s++) { t.step(); t.forward(); }
        double l10 = t.loss();

        // timing continues from the check trajectory, like the Python side
        long end = System.nanoTime() + (long) (warmup * 1e9); // the Vector API needs seconds of C2 warm-up
        while (System.nanoTime() < end) { t.forward(); t.step(); }
        int block = 1;
        for (long t0 = System.nanoTime(); System.nanoTime() - t0 < blockSeconds * 1e9; block++) { t.forward(); t.step(); }
        // wall time (the number compared with Python) and the calling thread's CPU time (less sensitive to other load)
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] ms = new double[reps], cpu = new double[reps];
        for (int r = 0; r < reps; r++) {
            long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            for (int s = 0; s < block; s++) { t.forward(); t.step(); }
            ms[r] = (System.nanoTime() - t0) / 1e6 / block;
            cpu[r] = (mx.getCurrentThreadCpuTime() - c0) / 1e6 / block;
        }
        // the two halves of a step, timed apart (informational)
        double[] fwd = new double[reps], upd = new double[reps];
        for (int r = 0; r < reps; r++) {
            long tf = 0, tu = 0;
            for (int s = 0; s < block; s++) {
                long t0 = System.nanoTime();
                t.forward();
                long t1 = System.nanoTime();
                t.step();
                tf += t1 - t0;
                tu += System.nanoTime() - t1;
            }
            fwd[r] = tf / 1e6 / block;
            upd[r] = tu / 1e6 / block;
        }
        if (!Double.isFinite(t.loss())) throw new IllegalStateException("diverged: loss " + t.loss());
        java.util.Arrays.sort(ms);
        java.util.Arrays.sort(cpu);
        java.util.Arrays.sort(fwd);
        java.util.Arrays.sort(upd);
        System.out.printf("%s ms_per_step=%.4f min=%.4f max=%.4f%n", tag, ms[reps / 2], ms[0], ms[reps - 1]);
        System.out.printf("check %s loss0=%.12e loss%d=%.12e%n", tag, l0, checkSteps, l10);
        System.out.printf("# %s steps_per_block=%d reps=%d groklab.threads=%d kernels=%s%n",
                tag, block, reps, Workers.threads(), t.kernelName());
        System.out.printf("# %s cpu_ms_per_step=%.4f cpu_min=%.4f forward_ms=%.4f update_ms=%.4f (medians)%n",
                tag, cpu[reps / 2], cpu[0], fwd[reps / 2], upd[reps / 2]);
    }
}

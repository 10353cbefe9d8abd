// Per-step time of the Java modular-addition step (forward + backward + update, float32; same output format as
// python/modadd_step.py, n = training pairs, d = width). Run by bench/run.sh:
//   java --add-modules jdk.incubator.vector -Dgroklab.threads=N -cp grokking-lab.jar ModaddStepBench.java --h 256
import lab.grokking.core.config.Configs;
import lab.grokking.core.linalg.Workers;
import lab.grokking.core.modadd.ModaddConfig;
import lab.grokking.core.modadd.ModaddNet;

public class ModaddStepBench {
    /** --h (width), --reps (timed blocks), --warmup (seconds); also read by Nd4jModaddStepBench.java. */
    record Options(int h, int reps, double warmup, double blockSeconds) {
        static Options parse(String[] args) {
            int h = 256, reps = 9;
            double warmup = 3;
            for (int i = 0; i < args.length; i += 2) {
                switch (args[i]) {
                    case "--h" -> h = Integer.parseInt(args[i + 1]);
                    case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                    case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(h, reps, warmup, 0.25);
        }

        /** Fig. 2a at paper scale (p = 97, 40 % train, η = 0.002, λ = 10⁻⁴, He init ×1) at width h. */
        ModaddConfig config() { return (ModaddConfig) Configs.parse("{\"task\":\"modadd\",\"width\":" + h + ",\"steps\":1}"); }
    }

    public static void main(String[] args) {
        Options o = Options.parse(args);
        int h = o.h(), reps = o.reps();
        double warmup = o.warmup(), blockSeconds = o.blockSeconds();
        ModaddConfig cfg = o.config();
        ModaddNet net = ModaddNet.create(cfg);
        net.forward();
        double loss0 = Math.exp(net.lnLoss());
        for (int s = 0; s < 10; s++) { net.step(); net.forward(); }
        double loss10 = Math.exp(net.lnLoss());
        long end = System.nanoTime() + (long) (warmup * 1e9); // the Vector API needs seconds of C2 warm-up
        while (System.nanoTime() < end) { net.step(); net.forward(); }
        int block = 1;
        for (long t0 = System.nanoTime(); System.nanoTime() - t0 < blockSeconds * 1e9; block++) { net.step(); net.forward(); }
        double[] ms = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < block; s++) { net.step(); net.forward(); }
            ms[r] = (System.nanoTime() - t0) / 1e6 / block;
        }
        java.util.Arrays.sort(ms);
        String tag = String.format("impl=java dtype=f32 threads=%d n=%d d=%d", Workers.threads(), cfg.nTrain(), h);
        System.out.printf("%s ms_per_step=%.3f min=%.3f max=%.3f%n", tag, ms[reps / 2], ms[0], ms[reps - 1]);
        System.out.printf("check %s loss0=%.6e loss10=%.6e%n", tag, loss0, loss10);
        System.out.println("# matmul=" + net.backend());
    }
}

// Per-step time of the Java diagonal-net step (same output format as python/diag_step.py).
// Run by bench/run.sh:  java --add-modules jdk.incubator.vector -Dgroklab.threads=N -cp grokking-lab.jar DiagStepBench.java --n 256 --d 100000
import lab.grokking.core.diag.DiagConfig;
import lab.grokking.core.diag.DiagData;
import lab.grokking.core.diag.DiagTrainer;
import lab.grokking.core.linalg.Kernels;
import lab.grokking.core.linalg.Workers;

public class DiagStepBench {
    public static void main(String[] args) {
        int n = 256, d = 100_000;
        String data = "sparse";
        double warmup = 3, blockSeconds = 0.25;
        int reps = 9;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(args[i + 1]);
                case "--d" -> d = Integer.parseInt(args[i + 1]);
                case "--data" -> data = args[i + 1];
                case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        DiagConfig cfg = new DiagConfig("diag", data, d, n, 1, 3, 25, 2, 128, 0.01, 1e-3, 1, 1, 0);
        DiagData dd = DiagData.generate(cfg);
        DiagTrainer t = new DiagTrainer(cfg, dd.train(), dd.y());
        long end = System.nanoTime() + (long) (warmup * 1e9); // the Vector API needs seconds of C2 warm-up
        while (System.nanoTime() < end) { t.forward(); t.step(); }
        int block = 1;
        for (long t0 = System.nanoTime(); System.nanoTime() - t0 < blockSeconds * 1e9; block++) { t.forward(); t.step(); }
        double[] ms = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < block; s++) { t.forward(); t.step(); }
            ms[r] = (System.nanoTime() - t0) / 1e6 / block;
        }
        java.util.Arrays.sort(ms);
        System.out.printf("impl=java-%s dtype=f32 threads=%d n=%d d=%d ms_per_step=%.4f min=%.4f max=%.4f%n",
                data.equals("sparse") ? "bits" : "dense", Workers.threads(), n, d, ms[reps / 2], ms[0], ms[reps - 1]);
        System.out.println("# kernels=" + Kernels.get().name());
    }
}

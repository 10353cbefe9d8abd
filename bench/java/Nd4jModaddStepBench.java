// The modular-addition step (Fig. 2) with ND4J behind the app's MatMul interface, timed in the same JVM as the
// app's own Vector API backend, interleaved (same output format as ModaddStepBench.java). ND4J is not part of the
// app's build; bench/run.sh resolves its classpath from bench/nd4j/pom.xml:
//   OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -Dgroklab.threads=N \
//     -cp grokking-lab.jar:<nd4j classpath> Nd4jModaddStepBench.java --h 256
// The products go through OpenBLAS (ND4J's Nd4j.gemm on off-heap copies of the operands); the rest of the step
// (gathers, cross-entropy, scatter, update) is the app's Java code either way, so the difference is the products
// plus the copies a float[]-based interface needs. Java worker threads split the products by rows as for the
// Java backend; OpenMP stays at one thread per call (2 OpenMP threads were slower on these machines, compute.md).
import java.util.Arrays;
import lab.grokking.core.linalg.Workers;
import lab.grokking.core.modadd.MatMul;
import lab.grokking.core.modadd.ModaddConfig;
import lab.grokking.core.modadd.ModaddNet;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public class Nd4jModaddStepBench {
    /** MatMul on ND4J: copy the spans of A, B (and C) the call reads into per-thread off-heap buffers, gemm on strided views, copy C back. */
    static final class Nd4jMatMul implements MatMul {
        private static final class Buffers {
            DataBuffer a, b, c;
        }

        private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

        @Override public String name() { return "nd4j-openblas"; }

        private static DataBuffer fit(DataBuffer buf, long len) {
            return buf != null && buf.length() >= len ? buf : Nd4j.createBuffer(DataType.FLOAT, Math.max(len, 1), false);
        }

        @Override
        public void gemm(int i0, int i1, int n, int kDim, float[] a, int aRow, int aCol, float[] b, int ldb, float[] c, int ldc, boolean accumulate) {
            int rows = i1 - i0;
            if (rows <= 0 || n == 0) return;
            if (kDim == 0) {
                if (!accumulate) for (int i = i0; i < i1; i++) Arrays.fill(c, i * ldc, i * ldc + n, 0f);
                return;
            }
            Buffers w = buffers.get();
            int a0 = i0 * aRow, aLen = (rows - 1) * aRow + (kDim - 1) * aCol + 1;
            int bLen = (kDim - 1) * ldb + n, c0 = i0 * ldc, cLen = (rows - 1) * ldc + n;
            w.a = fit(w.a, aLen);
            w.b = fit(w.b, bLen);
            w.c = fit(w.c, cLen);
            ((FloatPointer) w.a.addressPointer()).put(a, a0, aLen);
            ((FloatPointer) w.b.addressPointer()).put(b, 0, bLen);
            FloatPointer cp = (FloatPointer) w.c.addressPointer();
            cp.put(c, c0, cLen); // also keeps the columns between n and ldc as they are when copied back
            INDArray av = Nd4j.create(w.a, new long[] {rows, kDim}, new long[] {aRow, aCol}, 0, 'c');
            INDArray bv = Nd4j.create(w.b, new long[] {kDim, n}, new long[] {ldb, 1}, 0, 'c');
            INDArray cv = Nd4j.create(w.c, new long[] {rows, n}, new long[] {ldc, 1}, 0, 'c');
            Nd4j.gemm(av, bv, cv, false, false, 1.0, accumulate ? 1.0 : 0.0);
            cp.get(c, c0, cLen);
        }
    }

    public static void main(String[] args) {
        ModaddStepBench.Options o = ModaddStepBench.Options.parse(args); // the launcher compiles ModaddStepBench.java beside this file
        int h = o.h(), reps = o.reps();
        double warmup = o.warmup(), blockSeconds = o.blockSeconds();
        ModaddConfig cfg = o.config();
        ModaddNet nd = ModaddNet.create(cfg, new Nd4jMatMul()), java = ModaddNet.create(cfg);
        // same init and data: the two backends' losses after 10 steps agree to float32 rounding
        double[] loss10 = new double[2];
        ModaddNet[] nets = {nd, java};
        for (int q = 0; q < 2; q++) {
            nets[q].forward();
            for (int s = 0; s < 10; s++) { nets[q].step(); nets[q].forward(); }
            loss10[q] = Math.exp(nets[q].lnLoss());
        }
        long end = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < end) for (ModaddNet net : nets) { net.step(); net.forward(); }
        int block = 1;
        for (long t0 = System.nanoTime(); System.nanoTime() - t0 < blockSeconds * 1e9; block++) { java.step(); java.forward(); }
        double[][] ms = new double[2][reps];
        for (int r = 0; r < reps; r++) {
            for (int q = 0; q < 2; q++) { // interleaved blocks: machine noise hits both alike
                long t0 = System.nanoTime();
                for (int s = 0; s < block; s++) { nets[q].step(); nets[q].forward(); }
                ms[q][r] = (System.nanoTime() - t0) / 1e6 / block;
            }
        }
        String[] impl = {"java-nd4j", "java"};
        for (int q = 0; q < 2; q++) {
            Arrays.sort(ms[q]);
            String tag = String.format("impl=%s dtype=f32 threads=%d n=%d d=%d", impl[q], Workers.threads(), cfg.nTrain(), h);
            System.out.printf("%s ms_per_step=%.3f min=%.3f max=%.3f%n", tag, ms[q][reps / 2], ms[q][0], ms[q][reps - 1]);
            System.out.printf("check %s loss10=%.6e%n", tag, loss10[q]);
        }
        System.out.println("# matmul=" + nd.backend() + " vs " + java.backend());
    }
}

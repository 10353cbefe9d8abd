package lab.grokking.core.mc;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link McKernels} with 256-bit double vectors (4 lanes = the four lanes l of {@link McKernels#dotDiff}); the
 * row update keeps 8 vectors of an output row (32 columns of U, then of V) in registers across all neighbours.
 */
final class McVectorKernels extends McKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;

    private McVectorKernels() {}

    static McKernels create() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256 ? new McVectorKernels() : null;
    }

    @Override
    String name() {
        return "vector256";
    }

    @Override
    double dotDiff(double[] u, double[] v, int io, int jo, int len) {
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, b0 = a0, b1 = a0;
        int c = 0;
        for (; c + 7 < len; c += 8) {
            a0 = DoubleVector.fromArray(D, u, io + c).fma(DoubleVector.fromArray(D, u, jo + c), a0);
            b0 = DoubleVector.fromArray(D, v, io + c).fma(DoubleVector.fromArray(D, v, jo + c), b0);
            a1 = DoubleVector.fromArray(D, u, io + c + 4).fma(DoubleVector.fromArray(D, u, jo + c + 4), a1);
            b1 = DoubleVector.fromArray(D, v, io + c + 4).fma(DoubleVector.fromArray(D, v, jo + c + 4), b1);
        }
        if (c + 3 < len) {
            a0 = DoubleVector.fromArray(D, u, io + c).fma(DoubleVector.fromArray(D, u, jo + c), a0);
            b0 = DoubleVector.fromArray(D, v, io + c).fma(DoubleVector.fromArray(D, v, jo + c), b0);
            c += 4;
        }
        DoubleVector p = a0.add(a1).sub(b0.add(b1));
        double w = (p.lane(0) + p.lane(1)) + (p.lane(2) + p.lane(3));
        for (; c < len; c++) {
            w = Math.fma(u[io + c], u[jo + c], w);
            w = Math.fma(-v[io + c], v[jo + c], w);
        }
        return w;
    }

    // U and V in separate passes of 32 columns (8 accumulators): fused (8 + 8 live vectors) C2 spills and a neighbour
    // took ~3× longer; 8 independent fma chains also hide the fma latency that 4 would expose
    @Override
    void rowUpdate(
            double[] u,
            double[] v,
            double[] u2,
            double[] v2,
            int o,
            int from,
            int len,
            double decay,
            int[] nb,
            double[] cu,
            double[] cv,
            int p0,
            int p1) {
        int c = pass(u, u2, o, from, len, decay, nb, cu, p0, p1);
        pass(v, v2, o, from, len, decay, nb, cv, p0, p1);
        rowUpdateScalar(u, v, u2, v2, o, c, len, decay, nb, cu, cv, p0, p1);
    }

    /** Columns from.. of one matrix's output row in vector blocks; returns the first column left to the scalar tail. */
    private static int pass(
            double[] u, double[] u2, int o, int from, int len, double decay, int[] nb, double[] cu, int p0, int p1) {
        int c = from;
        for (; c + 31 < len; c += 32) {
            int x = o + c;
            DoubleVector a0 = DoubleVector.fromArray(D, u, x).mul(decay),
                    a1 = DoubleVector.fromArray(D, u, x + 4).mul(decay),
                    a2 = DoubleVector.fromArray(D, u, x + 8).mul(decay),
                    a3 = DoubleVector.fromArray(D, u, x + 12).mul(decay),
                    a4 = DoubleVector.fromArray(D, u, x + 16).mul(decay),
                    a5 = DoubleVector.fromArray(D, u, x + 20).mul(decay),
                    a6 = DoubleVector.fromArray(D, u, x + 24).mul(decay),
                    a7 = DoubleVector.fromArray(D, u, x + 28).mul(decay);
            for (int p = p0; p < p1; p++) {
                int y = nb[p] + c;
                DoubleVector t = DoubleVector.broadcast(D, cu[p]);
                a0 = DoubleVector.fromArray(D, u, y).fma(t, a0);
                a1 = DoubleVector.fromArray(D, u, y + 4).fma(t, a1);
                a2 = DoubleVector.fromArray(D, u, y + 8).fma(t, a2);
                a3 = DoubleVector.fromArray(D, u, y + 12).fma(t, a3);
                a4 = DoubleVector.fromArray(D, u, y + 16).fma(t, a4);
                a5 = DoubleVector.fromArray(D, u, y + 20).fma(t, a5);
                a6 = DoubleVector.fromArray(D, u, y + 24).fma(t, a6);
                a7 = DoubleVector.fromArray(D, u, y + 28).fma(t, a7);
            }
            a0.intoArray(u2, x);
            a1.intoArray(u2, x + 4);
            a2.intoArray(u2, x + 8);
            a3.intoArray(u2, x + 12);
            a4.intoArray(u2, x + 16);
            a5.intoArray(u2, x + 20);
            a6.intoArray(u2, x + 24);
            a7.intoArray(u2, x + 28);
        }
        for (; c + 3 < len; c += 4) {
            int x = o + c;
            DoubleVector a0 = DoubleVector.fromArray(D, u, x).mul(decay);
            for (int p = p0; p < p1; p++)
                a0 = DoubleVector.fromArray(D, u, nb[p] + c).fma(DoubleVector.broadcast(D, cu[p]), a0);
            a0.intoArray(u2, x);
        }
        return c;
    }
}

package lab.grokking.core.mc;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link McKernels} with 256-bit double vectors (4 lanes = the four lanes l of {@link McKernels#dotDiff}); the
 * row update keeps 4 + 4 vectors of an output row (16 columns of U and of V) in registers across all neighbours.
 */
final class McVectorKernels extends McKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;

    private McVectorKernels() {}

    static McKernels create() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256 ? new McVectorKernels() : null;
    }

    @Override String name() { return "vector256"; }

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

    @Override
    void rowUpdate(double[] u, double[] v, double[] u2, double[] v2, int o, int from, int len, double decay,
            int[] nb, double[] cu, double[] cv, int p0, int p1) {
        int c = from;
        for (; c + 15 < len; c += 16) {
            int x = o + c;
            DoubleVector a0 = DoubleVector.fromArray(D, u, x).mul(decay), a1 = DoubleVector.fromArray(D, u, x + 4).mul(decay),
                    a2 = DoubleVector.fromArray(D, u, x + 8).mul(decay), a3 = DoubleVector.fromArray(D, u, x + 12).mul(decay);
            DoubleVector b0 = DoubleVector.fromArray(D, v, x).mul(decay), b1 = DoubleVector.fromArray(D, v, x + 4).mul(decay),
                    b2 = DoubleVector.fromArray(D, v, x + 8).mul(decay), b3 = DoubleVector.fromArray(D, v, x + 12).mul(decay);
            for (int p = p0; p < p1; p++) {
                int y = nb[p] + c;
                DoubleVector tu = DoubleVector.broadcast(D, cu[p]), tv = DoubleVector.broadcast(D, cv[p]);
                a0 = DoubleVector.fromArray(D, u, y).fma(tu, a0);
                a1 = DoubleVector.fromArray(D, u, y + 4).fma(tu, a1);
                a2 = DoubleVector.fromArray(D, u, y + 8).fma(tu, a2);
                a3 = DoubleVector.fromArray(D, u, y + 12).fma(tu, a3);
                b0 = DoubleVector.fromArray(D, v, y).fma(tv, b0);
                b1 = DoubleVector.fromArray(D, v, y + 4).fma(tv, b1);
                b2 = DoubleVector.fromArray(D, v, y + 8).fma(tv, b2);
                b3 = DoubleVector.fromArray(D, v, y + 12).fma(tv, b3);
            }
            a0.intoArray(u2, x);
            a1.intoArray(u2, x + 4);
            a2.intoArray(u2, x + 8);
            a3.intoArray(u2, x + 12);
            b0.intoArray(v2, x);
            b1.intoArray(v2, x + 4);
            b2.intoArray(v2, x + 8);
            b3.intoArray(v2, x + 12);
        }
        for (; c + 7 < len; c += 8) {
            int x = o + c;
            DoubleVector a0 = DoubleVector.fromArray(D, u, x).mul(decay), a1 = DoubleVector.fromArray(D, u, x + 4).mul(decay);
            DoubleVector b0 = DoubleVector.fromArray(D, v, x).mul(decay), b1 = DoubleVector.fromArray(D, v, x + 4).mul(decay);
            for (int p = p0; p < p1; p++) {
                int y = nb[p] + c;
                DoubleVector tu = DoubleVector.broadcast(D, cu[p]), tv = DoubleVector.broadcast(D, cv[p]);
                a0 = DoubleVector.fromArray(D, u, y).fma(tu, a0);
                a1 = DoubleVector.fromArray(D, u, y + 4).fma(tu, a1);
                b0 = DoubleVector.fromArray(D, v, y).fma(tv, b0);
                b1 = DoubleVector.fromArray(D, v, y + 4).fma(tv, b1);
            }
            a0.intoArray(u2, x);
            a1.intoArray(u2, x + 4);
            b0.intoArray(v2, x);
            b1.intoArray(v2, x + 4);
        }
        for (; c + 3 < len; c += 4) {
            int x = o + c;
            DoubleVector a0 = DoubleVector.fromArray(D, u, x).mul(decay), b0 = DoubleVector.fromArray(D, v, x).mul(decay);
            for (int p = p0; p < p1; p++) {
                int y = nb[p] + c;
                a0 = DoubleVector.fromArray(D, u, y).fma(DoubleVector.broadcast(D, cu[p]), a0);
                b0 = DoubleVector.fromArray(D, v, y).fma(DoubleVector.broadcast(D, cv[p]), b0);
            }
            a0.intoArray(u2, x);
            b0.intoArray(v2, x);
        }
        rowUpdateScalar(u, v, u2, v2, o, c, len, decay, nb, cu, cv, p0, p1);
    }
}

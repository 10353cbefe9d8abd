package lab.grokking.core.mc;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link McKernels} with 256-bit double vectors (4 lanes = the four partial sums of {@link McKernels#dotDiff}). */
final class McVectorKernels extends McKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;

    private McVectorKernels() {}

    static McKernels create() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256 ? new McVectorKernels() : null;
    }

    @Override String name() { return "vector256"; }

    @Override
    double dotDiff(double[] u, double[] v, int io, int jo, int len) {
        DoubleVector acc = DoubleVector.zero(D);
        int c = 0;
        for (; c + 3 < len; c += 4) {
            DoubleVector uu = DoubleVector.fromArray(D, u, io + c).mul(DoubleVector.fromArray(D, u, jo + c));
            DoubleVector vv = DoubleVector.fromArray(D, v, io + c).mul(DoubleVector.fromArray(D, v, jo + c));
            acc = acc.add(uu.sub(vv));
        }
        double s0 = acc.lane(0), s1 = acc.lane(1), s2 = acc.lane(2), s3 = acc.lane(3);
        for (; c < len; c++) s0 += u[io + c] * u[jo + c] - v[io + c] * v[jo + c];
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    void scale(double[] u, double[] v, double[] u2, double[] v2, int o, int len, double decay) {
        int c = 0;
        for (; c + 3 < len; c += 4) {
            DoubleVector.fromArray(D, u, o + c).mul(decay).intoArray(u2, o + c);
            DoubleVector.fromArray(D, v, o + c).mul(decay).intoArray(v2, o + c);
        }
        for (; c < len; c++) {
            u2[o + c] = decay * u[o + c];
            v2[o + c] = decay * v[o + c];
        }
    }

    @Override
    void axpy(double[] u, double[] v, double[] u2, double[] v2, int o, int jo, int len, double t) {
        int c = 0;
        for (; c + 3 < len; c += 4) {
            DoubleVector.fromArray(D, u2, o + c).sub(DoubleVector.fromArray(D, u, jo + c).mul(t)).intoArray(u2, o + c);
            DoubleVector.fromArray(D, v2, o + c).add(DoubleVector.fromArray(D, v, jo + c).mul(t)).intoArray(v2, o + c);
        }
        for (; c < len; c++) {
            u2[o + c] -= t * u[jo + c];
            v2[o + c] += t * v[jo + c];
        }
    }
}

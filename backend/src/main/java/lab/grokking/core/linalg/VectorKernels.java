package lab.grokking.core.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels on 8 float lanes (AVX2; also runs on AVX-512). A ±1 entry is applied by XOR-ing the
 * sign bit with a mask looked up per byte of sign bits: one load, one XOR, one add per 8 products, and
 * the data stays at 1 bit per entry. Summation order equals {@link ScalarKernels}, so results are identical.
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    /** SIGN[b·8 + l] = sign-bit mask for lane l of byte b: 0 for +1 (bit set), 0x80000000 for −1. */
    private static final int[] SIGN = new int[256 * 8];

    static {
        for (int b = 0; b < 256; b++) for (int l = 0; l < 8; l++) SIGN[b * 8 + l] = ((b >>> l) & 1) != 0 ? 0 : 0x80000000;
    }

    static Kernels create() {
        // 256-bit float vectors must be real hardware vectors, else the API falls back to slow Java code
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256 ? new VectorKernels() : null;
    }

    @Override public String name() { return "vector-256"; }

    private static IntVector sign(long word, int byteIndex) {
        return IntVector.fromArray(I, SIGN, ((int) (word >>> (byteIndex << 3)) & 0xFF) << 3);
    }

    private static FloatVector flip(FloatVector v, IntVector mask) {
        return v.reinterpretAsInts().lanewise(VectorOperators.XOR, mask).reinterpretAsFloats();
    }

    private static float finish(FloatVector lo, FloatVector hi, float[] p) {
        lo.intoArray(p, 0);
        hi.intoArray(p, 8);
        return reduce(p);
    }

    @Override
    public void signMultiply(long[] bits, int wpr, int from, int to, float[] w, float[] out) {
        float[] p = new float[PARTIALS];
        FloatVector zero = FloatVector.zero(F);
        int i = from;
        for (; i + 2 <= to; i += 2) { // two rows share each weight load; more would spill the 16 AVX2 registers
            FloatVector a0 = zero, b0 = zero, a1 = zero, b1 = zero;
            int r0 = i * wpr, r1 = r0 + wpr;
            for (int wd = 0; wd < wpr; wd++) {
                long x0 = bits[r0 + wd], x1 = bits[r1 + wd];
                int kb = wd << 6;
                for (int j = 0; j < 8; j += 2) { // even bytes hold partials 0..7, odd bytes 8..15
                    FloatVector we = FloatVector.fromArray(F, w, kb + (j << 3));
                    FloatVector wo = FloatVector.fromArray(F, w, kb + (j << 3) + 8);
                    a0 = a0.add(flip(we, sign(x0, j)));
                    b0 = b0.add(flip(wo, sign(x0, j + 1)));
                    a1 = a1.add(flip(we, sign(x1, j)));
                    b1 = b1.add(flip(wo, sign(x1, j + 1)));
                }
            }
            out[i] = finish(a0, b0, p);
            out[i + 1] = finish(a1, b1, p);
        }
        for (; i < to; i++) {
            FloatVector a = zero, b = zero;
            int r = i * wpr;
            for (int wd = 0; wd < wpr; wd++) {
                long x = bits[r + wd];
                int kb = wd << 6;
                for (int j = 0; j < 8; j += 2) {
                    a = a.add(flip(FloatVector.fromArray(F, w, kb + (j << 3)), sign(x, j)));
                    b = b.add(flip(FloatVector.fromArray(F, w, kb + (j << 3) + 8), sign(x, j + 1)));
                }
            }
            out[i] = finish(a, b, p);
        }
    }

    @Override
    public void signMultiplyTransposed(long[] bits, int wpr, int rows, int wordFrom, int wordTo, float[] c, float[] out) {
        FloatVector zero = FloatVector.zero(F);
        for (int wd = wordFrom; wd < wordTo; wd++) {
            FloatVector s0 = zero, s1 = zero, s2 = zero, s3 = zero, s4 = zero, s5 = zero, s6 = zero, s7 = zero;
            for (int i = 0, idx = wd; i < rows; i++, idx += wpr) {
                long x = bits[idx];
                FloatVector ci = FloatVector.broadcast(F, c[i]);
                s0 = s0.add(flip(ci, sign(x, 0)));
                s1 = s1.add(flip(ci, sign(x, 1)));
                s2 = s2.add(flip(ci, sign(x, 2)));
                s3 = s3.add(flip(ci, sign(x, 3)));
                s4 = s4.add(flip(ci, sign(x, 4)));
                s5 = s5.add(flip(ci, sign(x, 5)));
                s6 = s6.add(flip(ci, sign(x, 6)));
                s7 = s7.add(flip(ci, sign(x, 7)));
            }
            int k = wd << 6;
            s0.intoArray(out, k);
            s1.intoArray(out, k + 8);
            s2.intoArray(out, k + 16);
            s3.intoArray(out, k + 24);
            s4.intoArray(out, k + 32);
            s5.intoArray(out, k + 40);
            s6.intoArray(out, k + 48);
            s7.intoArray(out, k + 56);
        }
    }

    @Override
    public void denseMultiply(float[] x, int cols, int from, int to, float[] w, float[] out) {
        float[] p = new float[PARTIALS];
        FloatVector zero = FloatVector.zero(F);
        int i = from;
        for (; i + 2 <= to; i += 2) {
            FloatVector a0 = zero, b0 = zero, a1 = zero, b1 = zero;
            int r0 = i * cols, r1 = r0 + cols;
            for (int k = 0; k < cols; k += 16) {
                FloatVector wl = FloatVector.fromArray(F, w, k), wh = FloatVector.fromArray(F, w, k + 8);
                a0 = a0.add(FloatVector.fromArray(F, x, r0 + k).mul(wl));
                b0 = b0.add(FloatVector.fromArray(F, x, r0 + k + 8).mul(wh));
                a1 = a1.add(FloatVector.fromArray(F, x, r1 + k).mul(wl));
                b1 = b1.add(FloatVector.fromArray(F, x, r1 + k + 8).mul(wh));
            }
            out[i] = finish(a0, b0, p);
            out[i + 1] = finish(a1, b1, p);
        }
        for (; i < to; i++) {
            FloatVector a = zero, b = zero;
            int r = i * cols;
            for (int k = 0; k < cols; k += 16) {
                a = a.add(FloatVector.fromArray(F, x, r + k).mul(FloatVector.fromArray(F, w, k)));
                b = b.add(FloatVector.fromArray(F, x, r + k + 8).mul(FloatVector.fromArray(F, w, k + 8)));
            }
            out[i] = finish(a, b, p);
        }
    }

    @Override
    public void denseMultiplyTransposed(float[] x, int cols, int rows, int colFrom, int colTo, float[] c, float[] out) {
        FloatVector zero = FloatVector.zero(F);
        for (int k = colFrom; k < colTo; k += 32) { // 32 columns stay in registers across all rows
            FloatVector s0 = zero, s1 = zero, s2 = zero, s3 = zero;
            for (int i = 0, r = k; i < rows; i++, r += cols) {
                FloatVector ci = FloatVector.broadcast(F, c[i]);
                s0 = s0.add(FloatVector.fromArray(F, x, r).mul(ci));
                s1 = s1.add(FloatVector.fromArray(F, x, r + 8).mul(ci));
                s2 = s2.add(FloatVector.fromArray(F, x, r + 16).mul(ci));
                s3 = s3.add(FloatVector.fromArray(F, x, r + 24).mul(ci));
            }
            s0.intoArray(out, k);
            s1.intoArray(out, k + 8);
            s2.intoArray(out, k + 16);
            s3.intoArray(out, k + 24);
        }
    }
}

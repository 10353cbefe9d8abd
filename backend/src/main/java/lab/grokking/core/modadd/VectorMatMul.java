package lab.grokking.core.modadd;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MatMul} with 256-bit float vectors, packed like GotoBLAS: per block of {@link #kBlock} k, B is copied into
 * panels of {@value #NR} columns and each {@value #MR} rows of A into a panel, so the register kernel (4 × 16 of C
 * in 8 registers) reads both at constant strides and C2 drops its bounds checks. Splitting k into blocks stores and
 * reloads the partial sums, which are floats already, so the fma chain per entry is unchanged. The cross-entropy
 * rows use a vector form of {@link CrossEntropy#exp} with the same bits.
 */
final class VectorMatMul implements MatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256, S4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    private static final FloatVector IOTA = FloatVector.fromArray(S, new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 0);
    private static final DoubleVector IOTA4 = DoubleVector.fromArray(D, new double[] {0, 1, 2, 3}, 0);
    /** 1.5·2⁵²: v + MAGIC − MAGIC rounds v to an integer half-to-even (= Math.rint), and bits(v + MAGIC) − bits(MAGIC) is that integer. */
    private static final double MAGIC = 0x1.8p52;

    private static final long MAGIC_BITS = Double.doubleToRawLongBits(MAGIC);
    /** MR × NR: the register tile of C; MC: rows of A packed at a time (MC × 256 floats, 64 KB, stay in L2). */
    static final int MR = 4, NR = 16, MC = 64;

    /** k per packed block: ≤ 256, and the packed B block (k × n floats) ≤ 512 KB so that it and A's rows stay in L2. */
    static int kBlock(int n) {
        return Math.clamp(Integer.highestOneBit(131072 / Math.max(1, n)), 64, 256);
    }

    private VectorMatMul() {}

    static MatMul create() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256 ? new VectorMatMul() : null;
    }

    @Override
    public String name() {
        return "vector256";
    }

    @Override
    public void gemm(
            int i0,
            int i1,
            int n,
            int kDim,
            float[] a,
            int aRow,
            int aCol,
            float[] b,
            int ldb,
            float[] c,
            int ldc,
            boolean accumulate) {
        if (kDim == 0 || n == 0) {
            if (!accumulate) for (int i = i0; i < i1; i++) Arrays.fill(c, i * ldc, i * ldc + n, 0f);
            return;
        }
        int panels = (n + NR - 1) / NR, kb = kBlock(panels * NR), kc = Math.min(kb, kDim);
        Scratch w = SCRATCH.get().fit(panels * NR * kc, MC * kc);
        float[] bp = w.b, ap = w.a, tile = w.tile;
        for (int k0 = 0; k0 < kDim; k0 += kb) {
            int kl = Math.min(kb, kDim - k0);
            boolean acc = accumulate || k0 > 0;
            packB(b, ldb, k0, kl, n, panels, bp);
            for (int m0 = i0;
                    m0 < i1;
                    m0 += MC) { // MC rows of A packed (in L2), then each B panel (in L1) meets all of them
                int m1 = Math.min(i1, m0 + MC);
                for (int i = m0; i < m1; i += MR)
                    packA(a, aRow, aCol, i, Math.min(MR, m1 - i), k0, kl, ap, (i - m0) * kl);
                for (int q = 0; q < panels; q++) {
                    int j = q * NR, nr = Math.min(NR, n - j);
                    for (int i = m0; i < m1; i += MR) {
                        int mr = Math.min(MR, m1 - i), ao = (i - m0) * kl;
                        if (mr == MR && nr == NR) kernel(ap, ao, bp, q * kl * NR, kl, c, i * ldc + j, ldc, acc);
                        else { // an edge tile: through a zero-padded copy, so the kernel never reads or writes past C's
                            // tile
                            for (int r = 0; r < MR; r++)
                                for (int l = 0; l < NR; l++)
                                    tile[r * NR + l] = acc && r < mr && l < nr ? c[(i + r) * ldc + j + l] : 0f;
                            kernel(ap, ao, bp, q * kl * NR, kl, tile, 0, NR, true);
                            for (int r = 0; r < mr; r++) System.arraycopy(tile, r * NR, c, (i + r) * ldc + j, nr);
                        }
                    }
                }
            }
        }
    }

    /** Per-thread packing buffers, grown on demand (so a step allocates nothing once warm). */
    private static final class Scratch {
        float[] b = new float[0], a = new float[0];
        final float[] tile = new float[MR * NR];

        Scratch fit(int bLen, int aLen) {
            if (b.length < bLen) b = new float[bLen];
            if (a.length < aLen) a = new float[aLen];
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** bp[(q·kl + k)·NR + l] = B[k0 + k][q·NR + l], 0 past column n: each panel's rows are contiguous, read at a constant stride. */
    private static void packB(float[] b, int ldb, int k0, int kl, int n, int panels, float[] bp) {
        for (int q = 0; q < panels; q++) {
            int j = q * NR, nr = Math.min(NR, n - j), o = q * kl * NR;
            for (int k = 0; k < kl; k++, o += NR) {
                System.arraycopy(b, (k0 + k) * ldb + j, bp, o, nr);
                if (nr < NR) Arrays.fill(bp, o + nr, o + NR, 0f);
            }
        }
    }

    /** ap[at + k·MR + r] = A(i + r, k0 + k), 0 for rows past mr. */
    private static void packA(float[] a, int aRow, int aCol, int i, int mr, int k0, int kl, float[] ap, int at) {
        for (int k = 0; k < kl; k++, at += MR) { // k outer: a transposed A (aRow = 1) is read contiguously
            int o = i * aRow + (k0 + k) * aCol;
            for (int r = 0; r < MR; r++) ap[at + r] = r < mr ? a[o + r * aRow] : 0f;
        }
    }

    // 8 accumulators: with 12 (6 × 16 or 4 × 24) C2 runs out of the 16 ymm registers and the loop ran 2–3× slower
    /** C[4 × 16 at c0] (+)= packed A panel · packed B panel: 2 loads of B, 4 broadcasts of A and 8 fmas per k. */
    private static void kernel(
            float[] ap, int ao, float[] bp, int bo, int kl, float[] c, int c0, int ldc, boolean acc) {
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector x00 = load(acc, c, c0),
                x01 = load(acc, c, c0 + 8),
                x10 = load(acc, c, c1),
                x11 = load(acc, c, c1 + 8);
        FloatVector x20 = load(acc, c, c2),
                x21 = load(acc, c, c2 + 8),
                x30 = load(acc, c, c3),
                x31 = load(acc, c, c3 + 8);
        for (int k = 0; k < kl; k++) {
            int bk = bo + k * NR, ak = ao + k * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bk), b1 = FloatVector.fromArray(S, bp, bk + 8);
            FloatVector s = FloatVector.broadcast(S, ap[ak]);
            x00 = b0.fma(s, x00);
            x01 = b1.fma(s, x01);
            s = FloatVector.broadcast(S, ap[ak + 1]);
            x10 = b0.fma(s, x10);
            x11 = b1.fma(s, x11);
            s = FloatVector.broadcast(S, ap[ak + 2]);
            x20 = b0.fma(s, x20);
            x21 = b1.fma(s, x21);
            s = FloatVector.broadcast(S, ap[ak + 3]);
            x30 = b0.fma(s, x30);
            x31 = b1.fma(s, x31);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + 8);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + 8);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + 8);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + 8);
    }

    // branch-free: the sign of a hidden unit is a coin flip, so branches mispredict half the time
    @Override
    public void reluGather(float[] x, int xa, int xb, float[] bias, float[] out, int o, int len) {
        int k = 0;
        for (; k + 7 < len; k += 8)
            FloatVector.fromArray(S, x, xa + k)
                    .add(FloatVector.fromArray(S, x, xb + k))
                    .add(FloatVector.fromArray(S, bias, k))
                    .max(0f)
                    .intoArray(out, o + k);
        for (; k < len; k++) out[o + k] = Math.max((x[xa + k] + x[xb + k]) + bias[k], 0f);
    }

    @Override
    public void reluMask(float[] act, float[] g, int from, int to) {
        int i = from;
        for (; i + 7 < to; i += 8) {
            FloatVector a = FloatVector.fromArray(S, act, i);
            FloatVector.fromArray(S, g, i)
                    .blend(0f, a.compare(VectorOperators.LE, 0f))
                    .intoArray(g, i);
        }
        for (; i < to; i++) g[i] = act[i] > 0 ? g[i] : 0f;
    }

    @Override
    public void logOthers(float[] z, int ld, int p, int[] y, int from, int to, double[] out) {
        for (int i = from; i < to; i++) {
            int o = i * ld, yi = y[i];
            FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < p; j += 8) {
                VectorMask<Float> skip = IOTA.compare(VectorOperators.GE, (float) (p - j))
                        .or(IOTA.compare(VectorOperators.EQ, (float) (yi - j)));
                mx = mx.max(FloatVector.fromArray(S, z, o + j).blend(Float.NEGATIVE_INFINITY, skip));
            }
            float mxf = mx.reduceLanes(VectorOperators.MAX);
            double m = mxf - (double) z[o + yi];
            out[i] = mxf == Float.NEGATIVE_INFINITY ? mxf : m + StrictMath.log(expRow(z, o, p, yi, m, null));
        }
    }

    @Override
    public void softmaxGradient(
            float[] z,
            int ld,
            int p,
            int[] y,
            double[] lOthers,
            double[] sp,
            double shift,
            float[] dz,
            int from,
            int to) {
        for (int i = from; i < to; i++) {
            int o = i * ld, yi = y[i];
            double s = sp[i] + shift;
            expRow(z, o, p, yi, s, dz);
            dz[o + yi] = (float) -CrossEntropy.exp(lOthers[i] - s);
        }
    }

    /**
     * e^{(z_j − z_y) − sub} of one row's classes j ≠ y, j < p, as {@link CrossEntropy#exp} gives it (same bits, every
     * range): summed in 4 lanes (j mod 4) and combined as (s₀ + s₁) + (s₂ + s₃) when dz is null, else written to
     * dz[o + j] as floats (0 at the label and past p). The exp is written out in this one loop on purpose: C2 boxes a
     * vector that crosses a call it does not inline, and whether it inlined a helper varied from one JVM to the next
     * (a step then ran 4× slower).
     */
    private static double expRow(float[] z, int o, int p, int y, double sub, float[] dz) {
        double zy = z[o + y];
        DoubleVector acc = DoubleVector.zero(D);
        for (int j = 0; j < p; j += 4) {
            VectorMask<Double> drop = IOTA4.compare(VectorOperators.GE, (double) (p - j))
                    .or(IOTA4.compare(VectorOperators.EQ, (double) (y - j)));
            DoubleVector x = wide(z, o + j).sub(zy).sub(sub).blend(0.0, drop);
            DoubleVector v = x.mul(CrossEntropy.INV_LN2).add(MAGIC); // v − MAGIC = rint(x / ln 2) = k
            DoubleVector nk = v.sub(MAGIC).neg();
            DoubleVector r = nk.fma(
                    DoubleVector.broadcast(D, CrossEntropy.LN2_LO),
                    nk.fma(DoubleVector.broadcast(D, CrossEntropy.LN2_HI), x));
            // Horner over CrossEntropy.TAYLOR written out: with a loop here, some launches' C2 left the loop's
            // vector operations unintrinsified (each fma and broadcast allocated; the step ran 4× slower)
            double[] t = CrossEntropy.TAYLOR;
            DoubleVector q = DoubleVector.broadcast(D, CrossEntropy.TAYLOR_TOP);
            q = q.fma(r, DoubleVector.broadcast(D, t[0]));
            q = q.fma(r, DoubleVector.broadcast(D, t[1]));
            q = q.fma(r, DoubleVector.broadcast(D, t[2]));
            q = q.fma(r, DoubleVector.broadcast(D, t[3]));
            q = q.fma(r, DoubleVector.broadcast(D, t[4]));
            q = q.fma(r, DoubleVector.broadcast(D, t[5]));
            q = q.fma(r, DoubleVector.broadcast(D, t[6]));
            q = q.fma(r, DoubleVector.broadcast(D, t[7]));
            q = q.fma(r, DoubleVector.broadcast(D, t[8]));
            q = q.fma(r, DoubleVector.broadcast(D, t[9]));
            q = q.fma(r, DoubleVector.broadcast(D, t[10]));
            q = q.fma(r, DoubleVector.broadcast(D, t[11]));
            // q·2^k: one exact power-of-two factor while 2^k is normal (k ≥ −1022), else 2^(k+600)·2^−600, as the
            // scalar code
            VectorMask<Double> tiny = nk.compare(VectorOperators.GT, 1022.0);
            LongVector bits = v.reinterpretAsLongs().sub(MAGIC_BITS - 1023);
            bits = bits.add(600, tiny.cast(LongVector.SPECIES_256));
            DoubleVector e = q.mul(bits.lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
                    .mul(DoubleVector.broadcast(D, 1.0).blend(0x1p-600, tiny))
                    .blend(0.0, x.compare(VectorOperators.LT, -745.2).or(drop))
                    .blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 709.7));
            if (dz == null) acc = acc.add(e);
            else ((FloatVector) e.convertShape(VectorOperators.D2F, S4, 0)).intoArray(dz, o + j);
        }
        return (acc.lane(0) + acc.lane(1)) + (acc.lane(2) + acc.lane(3));
    }

    @Override
    public void scatter(float[] g, int n, int h, int[] a, int[] b, int rows, float[] ge, float[] gb, int from, int to) {
        for (int r = 0; r < rows; r++) Arrays.fill(ge, r * h + from, r * h + to, 0f);
        int k = from;
        // strips of 32 columns: each sample's 128-byte piece of g is read once, and the strip of ge (rows × 32) stays
        // in L1
        for (; k + 31 < to; k += 32) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int i = 0; i < n; i++) {
                int o = i * h + k, ra = a[i] * h + k, rb = b[i] * h + k;
                FloatVector v0 = FloatVector.fromArray(S, g, o), v1 = FloatVector.fromArray(S, g, o + 8);
                FloatVector v2 = FloatVector.fromArray(S, g, o + 16), v3 = FloatVector.fromArray(S, g, o + 24);
                addInto(ge, ra, v0, v1, v2, v3);
                addInto(ge, rb, v0, v1, v2, v3);
                s0 = s0.add(v0);
                s1 = s1.add(v1);
                s2 = s2.add(v2);
                s3 = s3.add(v3);
            }
            s0.intoArray(gb, k);
            s1.intoArray(gb, k + 8);
            s2.intoArray(gb, k + 16);
            s3.intoArray(gb, k + 24);
        }
        for (; k + 7 < to; k += 8) {
            FloatVector sum = FloatVector.zero(S);
            for (int i = 0; i < n; i++) {
                FloatVector v = FloatVector.fromArray(S, g, i * h + k);
                int ra = a[i] * h + k, rb = b[i] * h + k;
                FloatVector.fromArray(S, ge, ra).add(v).intoArray(ge, ra);
                FloatVector.fromArray(S, ge, rb).add(v).intoArray(ge, rb);
                sum = sum.add(v);
            }
            sum.intoArray(gb, k);
        }
        if (k < to) MatMul.super.scatter(g, n, h, a, b, rows, ge, gb, k, to);
    }

    private static void addInto(float[] ge, int r, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        FloatVector.fromArray(S, ge, r).add(v0).intoArray(ge, r);
        FloatVector.fromArray(S, ge, r + 8).add(v1).intoArray(ge, r + 8);
        FloatVector.fromArray(S, ge, r + 16).add(v2).intoArray(ge, r + 16);
        FloatVector.fromArray(S, ge, r + 24).add(v3).intoArray(ge, r + 24);
    }

    /** Four floats from z[o..] widened to doubles (a 128-bit load: converting the upper half of a 256-bit vector is not intrinsified). */
    private static DoubleVector wide(float[] z, int o) {
        return (DoubleVector) FloatVector.fromArray(S4, z, o).convertShape(VectorOperators.F2D, D, 0);
    }

    private static FloatVector load(boolean acc, float[] c, int o) {
        return acc ? FloatVector.fromArray(S, c, o) : FloatVector.zero(S);
    }
}

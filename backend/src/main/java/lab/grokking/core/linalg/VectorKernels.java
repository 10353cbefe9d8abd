package lab.grokking.core.linalg;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels on 8 float lanes (AVX2; also runs on AVX-512). Sign products: per 8 outputs and
 * group of 3 summed indices, one shift, one permute of the group's 8-entry table (precomputed ±v sums)
 * and one add, i.e. 24 products in ~4 vector µops. Summation order equals {@link ScalarKernels}, so
 * results are identical.
 */
final class VectorKernels extends Kernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    /** Lane b of M[j]: sign-bit mask that negates term j of a group (bit j of b clear). */
    private static final IntVector M0 = mask(0), M1 = mask(1), M2 = mask(2);

    private static IntVector mask(int j) {
        int[] m = new int[8];
        for (int b = 0; b < 8; b++) m[b] = (b >>> j & 1) != 0 ? 0 : 0x80000000;
        return IntVector.fromArray(I, m, 0);
    }

    static Kernels create() {
        // 256-bit float vectors must be real hardware vectors, else the API falls back to slow Java code
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256 ? new VectorKernels() : null;
    }

    @Override
    public String name() {
        return "vector-256";
    }

    private static float finish(FloatVector lo, FloatVector hi, float[] p) {
        lo.intoArray(p, 0);
        hi.intoArray(p, 8);
        return reduce(p);
    }

    private static FloatVector term(float x, IntVector m) {
        return FloatVector.broadcast(F, x)
                .reinterpretAsInts()
                .lanewise(VectorOperators.XOR, m)
                .reinterpretAsFloats();
    }

    /** Group tables for groups [g0, g1) into t (float bits), as {@link ScalarKernels#groupTables}. */
    private static void groupTables(float[] v, int inner, int g0, int g1, int[] t) {
        int g = g0;
        for (int full = Math.min(g1, inner / 3); g < full; g++) {
            int m = 3 * g;
            term(v[m], M0)
                    .add(term(v[m + 1], M1))
                    .add(term(v[m + 2], M2))
                    .reinterpretAsInts()
                    .intoArray(t, (g - g0) << 3);
        }
        for (; g < g1; g++) { // last group, 1 or 2 terms
            int m = 3 * g;
            FloatVector s = term(v[m], M0);
            if (m + 1 < inner) s = s.add(term(v[m + 1], M1));
            s.reinterpretAsInts().intoArray(t, (g - g0) << 3);
        }
    }

    /** a + table[(x >>> sh) & 7] per lane: one permute (indices wrap mod 8) and one add. */
    private static FloatVector look(FloatVector a, IntVector x, IntVector table, int sh) {
        return a.add(x.lanewise(VectorOperators.LSHR, sh).selectFrom(table).reinterpretAsFloats());
    }

    private static void store(FloatVector s, float[] out, int off, int end, boolean first) {
        if (off + 8 <= end) {
            (first ? s : FloatVector.fromArray(F, out, off).add(s)).intoArray(out, off);
        } else if (off < end) {
            var m = F.indexInRange(off, end);
            (first ? s : FloatVector.fromArray(F, out, off, m).add(s)).intoArray(out, off, m);
        }
    }

    @Override
    public void signSum(
            int[] idx,
            int inner,
            int from,
            int to,
            int chunkFrom,
            int chunkTo,
            float[] v,
            float[] out,
            int off,
            int len,
            int chunkStride) {
        int groups = (inner + 2) / 3, q = (inner + 29) / 30;
        int[] t = new int[Math.min(groups, CHUNK_GROUPS) * 8];
        for (int ch = chunkFrom; ch < chunkTo; ch++) {
            int c0 = ch * CHUNK_INTS, c1 = Math.min(q, c0 + CHUNK_INTS), g0 = c0 * 10, g1 = Math.min(groups, c1 * 10);
            int o = off + (ch - chunkFrom) * chunkStride, end = o + len;
            boolean first = chunkStride != 0 || ch == chunkFrom;
            groupTables(v, inner, g0, g1, t);
            int b = from;
            for (; b + 8 <= to; b += 8) chunk8(idx, q, b, c0, c1, g1 - g0, t, out, o, end, first);
            for (; b + 4 <= to; b += 4) chunk4(idx, q, b, c0, c1, g1 - g0, t, out, o, end, first);
            for (; b < to; b++) chunk1(idx, q, b, c0, c1, g1 - g0, t, out, o, end, first);
        }
    }

    /**
     * Eight blocks share each table load: 8 independent sums hide the permute and add latencies (~30 % faster
     * per lookup than 4 blocks). The index vectors are reloaded per group (the load folds into the shift).
     */
    private static void chunk8(
            int[] idx, int q, int b, int c0, int c1, int ng, int[] t, float[] out, int o, int end, boolean first) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int s = q << 3, p = (b * q + c0) << 3, full = ng / 10;
        for (int c = 0; c <= full; c++, p += 8) {
            int tb = c * 80, e = c < full ? 10 : ng - 10 * full;
            for (int j = 0; j < e; j++) {
                IntVector tj = IntVector.fromArray(I, t, tb + (j << 3));
                int sh = 3 * j;
                a0 = look(a0, IntVector.fromArray(I, idx, p), tj, sh);
                a1 = look(a1, IntVector.fromArray(I, idx, p + s), tj, sh);
                a2 = look(a2, IntVector.fromArray(I, idx, p + 2 * s), tj, sh);
                a3 = look(a3, IntVector.fromArray(I, idx, p + 3 * s), tj, sh);
                a4 = look(a4, IntVector.fromArray(I, idx, p + 4 * s), tj, sh);
                a5 = look(a5, IntVector.fromArray(I, idx, p + 5 * s), tj, sh);
                a6 = look(a6, IntVector.fromArray(I, idx, p + 6 * s), tj, sh);
                a7 = look(a7, IntVector.fromArray(I, idx, p + 7 * s), tj, sh);
            }
        }
        store(a0, out, o + (b << 3), end, first);
        store(a1, out, o + ((b + 1) << 3), end, first);
        store(a2, out, o + ((b + 2) << 3), end, first);
        store(a3, out, o + ((b + 3) << 3), end, first);
        store(a4, out, o + ((b + 4) << 3), end, first);
        store(a5, out, o + ((b + 5) << 3), end, first);
        store(a6, out, o + ((b + 6) << 3), end, first);
        store(a7, out, o + ((b + 7) << 3), end, first);
    }

    /** Four blocks share each table load; 4 sums + 4 index vectors + 1 table stay in registers. */
    private static void chunk4(
            int[] idx, int q, int b, int c0, int c1, int ng, int[] t, float[] out, int o, int end, boolean first) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int stride = q << 3, p = (b * q + c0) << 3, full = c0 + ng / 10;
        for (int c = c0; c < full; c++, p += 8) {
            IntVector x0 = IntVector.fromArray(I, idx, p), x1 = IntVector.fromArray(I, idx, p + stride);
            IntVector x2 = IntVector.fromArray(I, idx, p + 2 * stride),
                    x3 = IntVector.fromArray(I, idx, p + 3 * stride);
            int tb = (c - c0) * 80;
            for (int j = 0; j < 10; j++) {
                IntVector tj = IntVector.fromArray(I, t, tb + (j << 3));
                int sh = 3 * j;
                a0 = look(a0, x0, tj, sh);
                a1 = look(a1, x1, tj, sh);
                a2 = look(a2, x2, tj, sh);
                a3 = look(a3, x3, tj, sh);
            }
        }
        if (full < c1) { // partial last int
            IntVector x0 = IntVector.fromArray(I, idx, p), x1 = IntVector.fromArray(I, idx, p + stride);
            IntVector x2 = IntVector.fromArray(I, idx, p + 2 * stride),
                    x3 = IntVector.fromArray(I, idx, p + 3 * stride);
            for (int g = (full - c0) * 10, sh = 0; g < ng; g++, sh += 3) {
                IntVector tg = IntVector.fromArray(I, t, g << 3);
                a0 = look(a0, x0, tg, sh);
                a1 = look(a1, x1, tg, sh);
                a2 = look(a2, x2, tg, sh);
                a3 = look(a3, x3, tg, sh);
            }
        }
        store(a0, out, o + (b << 3), end, first);
        store(a1, out, o + ((b + 1) << 3), end, first);
        store(a2, out, o + ((b + 2) << 3), end, first);
        store(a3, out, o + ((b + 3) << 3), end, first);
    }

    private static void chunk1(
            int[] idx, int q, int b, int c0, int c1, int ng, int[] t, float[] out, int o, int end, boolean first) {
        FloatVector a = FloatVector.zero(F);
        int p = (b * q + c0) << 3;
        for (int g = 0; g < ng; g += 10, p += 8) {
            IntVector x = IntVector.fromArray(I, idx, p);
            for (int j = 0, e = Math.min(10, ng - g); j < e; j++)
                a = look(a, x, IntVector.fromArray(I, t, (g + j) << 3), 3 * j);
        }
        store(a, out, o + (b << 3), end, first);
    }

    /**
     * Lanes are members here, not outputs: per output and group, one scalar index (3 bits) addresses a vector of 8
     * members' table entries, so each lookup is one load-add for 8 members, no permute. Tables of member vector mv
     * (members 8mv..8mv+7) at t[mv·T + ((g − g0)·8 + e)·8 + lane], T = groups·64, built across members from v
     * transposed (lanes = members), with the scalar kernel's order of terms; sums per member start at +0 and add the
     * groups in order, as the solo kernels do.
     */
    @Override
    public void signSumBatch(
            int[] idx,
            int inner,
            int from,
            int to,
            int chunkFrom,
            int chunkTo,
            float[][] v,
            int count,
            float[][] out,
            int off,
            int len,
            int chunkStride) {
        int groups = (inner + 2) / 3, q = (inner + 29) / 30, cg = Math.min(groups, CHUNK_GROUPS);
        int mvs = (count + 7) >>> 3, tl = cg << 6, span = mvs << 6;
        float[] vt = new float[3 * cg * 8], t = new float[mvs * tl], acc = new float[(to - from) * span];
        for (int ch = chunkFrom; ch < chunkTo; ch++) {
            int c0 = ch * CHUNK_INTS, c1 = Math.min(q, c0 + CHUNK_INTS), g0 = c0 * 10, g1 = Math.min(groups, c1 * 10);
            int ng = g1 - g0, o = off + (ch - chunkFrom) * chunkStride;
            boolean first = chunkStride != 0 || ch == chunkFrom;
            for (int mv = 0; mv < mvs; mv++) memberTables(v, count, mv, inner, g0, g1, vt, t, mv * tl);
            // groups in slices whose tables stay in L1 across all blocks; the sums wait in acc between slices
            for (int s0 = 0; s0 < ng; s0 += SLICE_GROUPS) {
                int s1 = Math.min(ng, s0 + SLICE_GROUPS);
                for (int b = from, a = 0; b < to; b++, a += span) {
                    int mv = 0;
                    for (; mv + 2 <= mvs; mv += 2) lookups2(idx, q, b, c0, s0, s1, t, mv * tl, tl, acc, a + (mv << 6));
                    if (mv < mvs) lookups1(idx, q, b, c0, s0, s1, t, mv * tl, acc, a + (mv << 6));
                }
            }
            for (int b = from, a = 0; b < to; b++, a += span) {
                int mv = 0;
                for (; mv + 2 <= mvs; mv += 2)
                    scatter(acc, a + (mv << 6), 16, out, count, mv << 3, o + (b << 3), len - (b << 3), first);
                if (mv < mvs) scatter(acc, a + (mv << 6), 8, out, count, mv << 3, o + (b << 3), len - (b << 3), first);
            }
        }
    }

    /** Groups per slice of {@link #signSumBatch}: two member vectors' tables of a slice take 40·2·256 B = 20 KB. */
    private static final int SLICE_GROUPS = 40;

    /** Group tables of members 8mv..8mv+7 (absent members: zeros) for groups [g0, g1), lanes = members. */
    private static void memberTables(
            float[][] v, int count, int mv, int inner, int g0, int g1, float[] vt, float[] t, int base) {
        int m0 = mv << 3, m1 = Math.min(count, m0 + 8), k0 = 3 * g0, k1 = Math.min(inner, 3 * g1);
        Arrays.fill(vt, 0f);
        for (int m = m0; m < m1; m++) {
            float[] vm = v[m];
            for (int k = k0, x = m - m0; k < k1; k++, x += 8) vt[x] = vm[k]; // vt[(k − k0)·8 + lane]
        }
        for (int g = g0; g < g1; g++) {
            int r = (g - g0) * 24, terms = Math.min(3, inner - 3 * g), tb = base + ((g - g0) << 6);
            FloatVector a = FloatVector.fromArray(F, vt, r), na = a.neg();
            if (terms == 1) {
                for (int e = 0; e < 8; e++) ((e & 1) != 0 ? a : na).intoArray(t, tb + (e << 3));
                continue;
            }
            FloatVector bv = FloatVector.fromArray(F, vt, r + 8), nb = bv.neg();
            if (terms == 2) {
                for (int e = 0; e < 8; e++)
                    ((e & 1) != 0 ? a : na).add((e & 2) != 0 ? bv : nb).intoArray(t, tb + (e << 3));
                continue;
            }
            FloatVector c = FloatVector.fromArray(F, vt, r + 16), nc = c.neg();
            for (int e = 0; e < 8; e++)
                ((e & 1) != 0 ? a : na)
                        .add((e & 2) != 0 ? bv : nb)
                        .add((e & 4) != 0 ? c : nc)
                        .intoArray(t, tb + (e << 3));
        }
    }

    /**
     * Groups [s0, s1) of the chunk (s0 a multiple of 10) added to the sums of the 8 outputs of block b for 16 members
     * (two member vectors; 16 chains share each index), kept at acc[a + l·16 + m] (from +0 when s0 = 0).
     */
    private static void lookups2(
            int[] idx, int q, int b, int c0, int s0, int s1, float[] t, int base, int tl, float[] acc, int a) {
        FloatVector a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7;
        if (s0 == 0) {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = b0 = b1 = b2 = b3 = b4 = b5 = b6 = b7 = FloatVector.zero(F);
        } else {
            a0 = FloatVector.fromArray(F, acc, a);
            b0 = FloatVector.fromArray(F, acc, a + 8);
            a1 = FloatVector.fromArray(F, acc, a + 16);
            b1 = FloatVector.fromArray(F, acc, a + 24);
            a2 = FloatVector.fromArray(F, acc, a + 32);
            b2 = FloatVector.fromArray(F, acc, a + 40);
            a3 = FloatVector.fromArray(F, acc, a + 48);
            b3 = FloatVector.fromArray(F, acc, a + 56);
            a4 = FloatVector.fromArray(F, acc, a + 64);
            b4 = FloatVector.fromArray(F, acc, a + 72);
            a5 = FloatVector.fromArray(F, acc, a + 80);
            b5 = FloatVector.fromArray(F, acc, a + 88);
            a6 = FloatVector.fromArray(F, acc, a + 96);
            b6 = FloatVector.fromArray(F, acc, a + 104);
            a7 = FloatVector.fromArray(F, acc, a + 112);
            b7 = FloatVector.fromArray(F, acc, a + 120);
        }
        int p = (b * q + c0 + s0 / 10) << 3, t2 = base + tl, ng = s1;
        for (int g = s0; g < ng; g += 10, p += 8) {
            int w0 = idx[p], w1 = idx[p + 1], w2 = idx[p + 2], w3 = idx[p + 3];
            int w4 = idx[p + 4], w5 = idx[p + 5], w6 = idx[p + 6], w7 = idx[p + 7];
            for (int j = 0, n = Math.min(10, ng - g); j < n; j++) {
                int sh = 3 * j, gb = (g + j) << 6;
                int e0 = gb + ((w0 >>> sh & 7) << 3), e1 = gb + ((w1 >>> sh & 7) << 3);
                int e2 = gb + ((w2 >>> sh & 7) << 3), e3 = gb + ((w3 >>> sh & 7) << 3);
                int e4 = gb + ((w4 >>> sh & 7) << 3), e5 = gb + ((w5 >>> sh & 7) << 3);
                int e6 = gb + ((w6 >>> sh & 7) << 3), e7 = gb + ((w7 >>> sh & 7) << 3);
                a0 = a0.add(FloatVector.fromArray(F, t, base + e0));
                b0 = b0.add(FloatVector.fromArray(F, t, t2 + e0));
                a1 = a1.add(FloatVector.fromArray(F, t, base + e1));
                b1 = b1.add(FloatVector.fromArray(F, t, t2 + e1));
                a2 = a2.add(FloatVector.fromArray(F, t, base + e2));
                b2 = b2.add(FloatVector.fromArray(F, t, t2 + e2));
                a3 = a3.add(FloatVector.fromArray(F, t, base + e3));
                b3 = b3.add(FloatVector.fromArray(F, t, t2 + e3));
                a4 = a4.add(FloatVector.fromArray(F, t, base + e4));
                b4 = b4.add(FloatVector.fromArray(F, t, t2 + e4));
                a5 = a5.add(FloatVector.fromArray(F, t, base + e5));
                b5 = b5.add(FloatVector.fromArray(F, t, t2 + e5));
                a6 = a6.add(FloatVector.fromArray(F, t, base + e6));
                b6 = b6.add(FloatVector.fromArray(F, t, t2 + e6));
                a7 = a7.add(FloatVector.fromArray(F, t, base + e7));
                b7 = b7.add(FloatVector.fromArray(F, t, t2 + e7));
            }
        }
        a0.intoArray(acc, a);
        b0.intoArray(acc, a + 8);
        a1.intoArray(acc, a + 16);
        b1.intoArray(acc, a + 24);
        a2.intoArray(acc, a + 32);
        b2.intoArray(acc, a + 40);
        a3.intoArray(acc, a + 48);
        b3.intoArray(acc, a + 56);
        a4.intoArray(acc, a + 64);
        b4.intoArray(acc, a + 72);
        a5.intoArray(acc, a + 80);
        b5.intoArray(acc, a + 88);
        a6.intoArray(acc, a + 96);
        b6.intoArray(acc, a + 104);
        a7.intoArray(acc, a + 112);
        b7.intoArray(acc, a + 120);
    }

    /** As {@link #lookups2} for one member vector: acc[a + l·8 + m]. */
    private static void lookups1(
            int[] idx, int q, int b, int c0, int s0, int s1, float[] t, int base, float[] acc, int a) {
        FloatVector a0, a1, a2, a3, a4, a5, a6, a7;
        if (s0 == 0) {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = FloatVector.zero(F);
        } else {
            a0 = FloatVector.fromArray(F, acc, a);
            a1 = FloatVector.fromArray(F, acc, a + 8);
            a2 = FloatVector.fromArray(F, acc, a + 16);
            a3 = FloatVector.fromArray(F, acc, a + 24);
            a4 = FloatVector.fromArray(F, acc, a + 32);
            a5 = FloatVector.fromArray(F, acc, a + 40);
            a6 = FloatVector.fromArray(F, acc, a + 48);
            a7 = FloatVector.fromArray(F, acc, a + 56);
        }
        int p = (b * q + c0 + s0 / 10) << 3, ng = s1;
        for (int g = s0; g < ng; g += 10, p += 8) {
            int w0 = idx[p], w1 = idx[p + 1], w2 = idx[p + 2], w3 = idx[p + 3];
            int w4 = idx[p + 4], w5 = idx[p + 5], w6 = idx[p + 6], w7 = idx[p + 7];
            for (int j = 0, n = Math.min(10, ng - g); j < n; j++) {
                int sh = 3 * j, gb = base + ((g + j) << 6);
                a0 = a0.add(FloatVector.fromArray(F, t, gb + ((w0 >>> sh & 7) << 3)));
                a1 = a1.add(FloatVector.fromArray(F, t, gb + ((w1 >>> sh & 7) << 3)));
                a2 = a2.add(FloatVector.fromArray(F, t, gb + ((w2 >>> sh & 7) << 3)));
                a3 = a3.add(FloatVector.fromArray(F, t, gb + ((w3 >>> sh & 7) << 3)));
                a4 = a4.add(FloatVector.fromArray(F, t, gb + ((w4 >>> sh & 7) << 3)));
                a5 = a5.add(FloatVector.fromArray(F, t, gb + ((w5 >>> sh & 7) << 3)));
                a6 = a6.add(FloatVector.fromArray(F, t, gb + ((w6 >>> sh & 7) << 3)));
                a7 = a7.add(FloatVector.fromArray(F, t, gb + ((w7 >>> sh & 7) << 3)));
            }
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + 8);
        a2.intoArray(acc, a + 16);
        a3.intoArray(acc, a + 24);
        a4.intoArray(acc, a + 32);
        a5.intoArray(acc, a + 40);
        a6.intoArray(acc, a + 48);
        a7.intoArray(acc, a + 56);
    }

    /** Output l (l &lt; rows) of members m0.. from acc[a + l·width + (m − m0)] into out[m][o + l]. */
    private static void scatter(
            float[] lanes, int a, int width, float[][] out, int count, int m0, int o, int rows, boolean first) {
        int m1 = Math.min(count, m0 + width), lmax = Math.min(8, rows);
        for (int m = m0; m < m1; m++) {
            float[] om = out[m];
            for (int l = 0, x = a + m - m0; l < lmax; l++, x += width)
                om[o + l] = first ? lanes[x] : om[o + l] + lanes[x];
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

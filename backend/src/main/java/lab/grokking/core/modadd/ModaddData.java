package lab.grokking.core.modadd;

import lab.grokking.core.Rng;

/**
 * All p² pairs (a, b) with label (a + b) mod p, split by a seeded permutation: the first floor(fraction·p²) are
 * the training set, the rest the test set. A pair is stored as the two rows of E = W₁ᵀ its one-hot input selects
 * (a and p + b), so the first layer is a gather.
 */
public record ModaddData(int p, int[] trainA, int[] trainB, int[] trainY, int[] testA, int[] testB, int[] testY) {
    public static ModaddData generate(ModaddConfig cfg) {
        int p = cfg.p(), all = p * p, n = cfg.nTrain();
        int[] perm = new int[all];
        for (int i = 0; i < all; i++) perm[i] = i;
        Rng g = Rng.stream(cfg.seed(), "modadd-split", 0);
        for (int i = all - 1; i > 0; i--) { // Fisher-Yates
            int j = g.nextInt(i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] ta = new int[n],
                tb = new int[n],
                ty = new int[n],
                sa = new int[all - n],
                sb = new int[all - n],
                sy = new int[all - n];
        for (int i = 0; i < all; i++) {
            int a = perm[i] / p, b = perm[i] % p;
            if (i < n) {
                ta[i] = a;
                tb[i] = p + b;
                ty[i] = (a + b) % p;
            } else {
                sa[i - n] = a;
                sb[i - n] = p + b;
                sy[i - n] = (a + b) % p;
            }
        }
        return new ModaddData(p, ta, tb, ty, sa, sb, sy);
    }

    public int nTrain() {
        return trainY.length;
    }

    public int nTest() {
        return testY.length;
    }
}

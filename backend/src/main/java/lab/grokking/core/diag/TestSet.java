package lab.grokking.core.diag;

/** Held-out points, seen only through the outputs ⟨w, x_j⟩ of a weight vector. */
interface TestSet {
    int size();

    double[] labels();

    /** out[j] = ⟨w, x_j⟩. */
    void outputs(double[] w, double[] out);
}

package lab.grokking.web.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** The diagonal net's predictor table: its largest coordinates beside the early and late predictors', each L2-normalised. */
public final class Predictors {
    private Predictors() {}

    public record Coordinate(int index, double net, double early, double late) {}

    /**
     * The {@code k} coordinates largest in |w|, then any of the late predictor's top {@code k} not among them
     * (so the sparse support stays visible while w is still dense), as fractions of each vector's L2 norm.
     */
    public static List<Coordinate> top(float[] w, float[] early, float[] late, int k) {
        if (w.length != early.length || w.length != late.length)
            throw new IllegalArgumentException("vectors of different lengths");
        double nw = norm(w), ne = norm(early), nl = norm(late);
        List<Integer> idx = new ArrayList<>(largest(w, k));
        for (int i : largest(late, k)) if (!idx.contains(i)) idx.add(i);
        List<Coordinate> out = new ArrayList<>();
        for (int i : idx) out.add(new Coordinate(i, w[i] / nonZero(nw), early[i] / nonZero(ne), late[i] / nonZero(nl)));
        return out;
    }

    private static List<Integer> largest(float[] v, int k) {
        return IntStream.range(0, v.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -Math.abs(v[i]))
                        .thenComparingInt(i -> i))
                .limit(k)
                .toList();
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }

    private static double nonZero(double n) {
        return n == 0 ? 1 : n;
    }
}

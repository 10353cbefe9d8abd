package lab.grokking.core;

/**
 * A float32 array the views draw: {@code name} "W" at an evaluation step (a matrix snapshot), or a fixed
 * predictor ("early", "late") with step −1. Row-major rows × cols.
 */
public record Snapshot(String name, long step, int rows, int cols, float[] values) {
    public Snapshot {
        if ((long) rows * cols != values.length)
            throw new IllegalArgumentException(name + ": " + rows + "×" + cols + " ≠ " + values.length + " values");
    }

    /** Rounds a double array to float32 (views need no more digits; it halves the stored bytes). */
    public static Snapshot of(String name, long step, int rows, int cols, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) f[i] = (float) values[i];
        return new Snapshot(name, step, rows, cols, f);
    }
}

package lab.grokking.core.task;

import java.util.Map;

/** Where the learnt corrections of {@link Estimates} survive a restart. */
public interface ThroughputLog {
    /** Keeps nothing. */
    ThroughputLog NONE = new ThroughputLog() {
        @Override
        public Map<String, Double> load() {
            return Map.of();
        }

        @Override
        public void save(String key, double factor) {}
    };

    /** Every correction saved so far, by key. */
    Map<String, Double> load();

    /** Records the correction now in force for {@code key}. */
    void save(String key, double factor);
}

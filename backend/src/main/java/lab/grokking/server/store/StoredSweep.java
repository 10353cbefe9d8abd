package lab.grokking.server.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A sweep as the store holds it: {@code doc} is its JSON plan (title, task, base, axes, seeds), {@code runIds} its
 * members' runs in grid order (null: the member waits for a place in the queue); times are epoch milliseconds.
 */
public record StoredSweep(
        String id, String doc, String client, long createdAt, boolean cancelled, List<String> runIds) {
    public StoredSweep {
        runIds = Collections.unmodifiableList(new ArrayList<>(runIds)); // nulls allowed
    }
}

package lab.grokking.server.store;

import java.util.Optional;

/** Classroom labs, as JSON documents. */
public interface LabRepository {
    void insert(String id, String doc, String client);

    Optional<String> get(String id);
}

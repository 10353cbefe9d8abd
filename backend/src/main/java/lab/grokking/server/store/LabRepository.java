package lab.grokking.server.store;

import java.util.List;
import java.util.Optional;

/** Classroom labs, as JSON documents, with their teacher key's hash and their students' submissions. */
public interface LabRepository {
    void insert(String id, String doc, String client, String teacherKeyHash);

    Optional<String> get(String id);

    /** Replaces a lab's document (closed, share). */
    void update(String id, String doc);

    /** The teacher key's hash (empty for a lab made before teacher keys existed). */
    Optional<String> teacherKeyHash(String id);

    /** Records a submission; false when this student already submitted this run in this lab (kept as it was). */
    boolean insertRun(StoredLabRun row);

    /** A lab's submissions, oldest first. */
    List<StoredLabRun> runs(String labId);

    /** One student's submissions in a lab, oldest first. */
    List<StoredLabRun> runsOf(String labId, String client);

    /** Hides (or shows) every submission of this run in this lab; the number of rows changed. */
    int setHidden(String labId, String runId, boolean hidden);
}

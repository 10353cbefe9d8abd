package lab.grokking.server.store;

/**
 * One student submission in a lab as the store holds it: the lab, the run it started or found, the student's client
 * id, the display name (null: none), whether the teacher hid it, and when it was submitted (epoch milliseconds).
 */
public record StoredLabRun(String labId, String runId, String client, String name, boolean hidden, long createdAt) {}

package lab.grokking.server.store;

/**
 * Who trains a run and the epoch of that claim: every write the attempt makes is fenced by it (refused once another
 * claim or a status change not made through it has moved the run's epoch or owner on).
 */
public record Claim(String runId, String owner, long epoch) {}

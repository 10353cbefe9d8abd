-- sweeps: a grid of runs over a base config; doc is JSON (title, task, base config, axes, seeds), from which the
-- members' configs are expanded again; cancelled: no member is submitted any more
CREATE TABLE sweeps (
  id         TEXT PRIMARY KEY,
  doc        TEXT NOT NULL,
  client     TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  cancelled  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sweeps_by_client ON sweeps(client, created_at);
-- one row per member in grid order; run_id is NULL while the member waits for a place in the queue
CREATE TABLE sweep_members (
  sweep_id TEXT NOT NULL,
  idx      INTEGER NOT NULL,
  run_id   TEXT,
  PRIMARY KEY (sweep_id, idx)
);

-- cluster mode: the member that trains a run (NULL: nobody) and the epoch of its claim, bumped by every claim; every
-- write an attempt makes checks both first (fencing), so a stale owner's writes are refused
ALTER TABLE runs ADD COLUMN owner TEXT;
ALTER TABLE runs ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
-- one run per config key across members; a key that earlier builds stored twice keeps its newest run under the key
-- (findByKey never returned the older ones)
UPDATE runs SET config_key = config_key || '#' || id WHERE removed = 0 AND EXISTS (SELECT 1 FROM runs n WHERE
  n.config_key = runs.config_key AND n.removed = 0 AND (n.created_at > runs.created_at OR (n.created_at =
  runs.created_at AND n.rowid > runs.rowid)));
CREATE UNIQUE INDEX runs_live_key ON runs(config_key) WHERE removed = 0;
-- the claim query: unfinished runs by owner
CREATE INDEX runs_claimable ON runs(status, removed, owner);

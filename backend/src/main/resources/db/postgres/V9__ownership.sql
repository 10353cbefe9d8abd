-- cluster mode: the member that trains a run (NULL: nobody) and the epoch of its claim, bumped by every claim; every
-- write an attempt makes checks both first (fencing), so a stale owner's writes are refused
ALTER TABLE runs ADD COLUMN owner TEXT;
ALTER TABLE runs ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
-- one run per config key across members
CREATE UNIQUE INDEX runs_live_key ON runs(config_key) WHERE removed = 0;
-- the claim query: unfinished runs by owner
CREATE INDEX runs_claimable ON runs(status, removed, owner);

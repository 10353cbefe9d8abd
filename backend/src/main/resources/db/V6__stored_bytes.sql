-- Bytes of blobs each run holds (metric rows, snapshots, checkpoint), recounted by every write of its data, and an
-- index that sums a client's without reading a blob or a run row: the per-client disk quota (limits.clientDiskBytes).
-- snapshot_bytes is kept apart: counting snapshots reads their blobs (the table is WITHOUT ROWID, so a scan compares
-- whole records), so it is recounted only by a write that changes snapshots.
ALTER TABLE runs ADD COLUMN snapshot_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET snapshot_bytes = (SELECT COALESCE(SUM(length(data)), 0) FROM snapshots WHERE run_id = runs.id);
UPDATE runs SET stored_bytes = snapshot_bytes
  + (SELECT COALESCE(SUM(length(row)), 0) FROM metrics WHERE run_id = runs.id)
  + (SELECT COALESCE(SUM(length(state)), 0) FROM checkpoints WHERE run_id = runs.id);
CREATE INDEX runs_stored_by_client ON runs(client, removed, status, stored_bytes);

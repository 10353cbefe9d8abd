-- Bytes of blobs each run holds (metric rows, snapshots, checkpoint), recounted by every write of its data, and an
-- index that sums a client's: the per-client disk quota (limits.clientDiskBytes). snapshot_bytes is kept apart:
-- recounted only by a write that changes snapshots.
ALTER TABLE runs ADD COLUMN snapshot_bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN stored_bytes BIGINT NOT NULL DEFAULT 0;
CREATE INDEX runs_stored_by_client ON runs(client, removed, status, stored_bytes);

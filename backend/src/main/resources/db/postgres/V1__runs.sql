-- PostgreSQL's schema follows db/V{n} step by step (same numbers); epoch millis, steps and seeds are BIGINT, blobs
-- BYTEA, and seq (BIGSERIAL) orders rows of the same millisecond by insertion as SQLite's rowid does.
-- runs: one row per run; config is canonical JSON, config_key = sha256(canonical config + code version)
CREATE TABLE runs (
  id            TEXT PRIMARY KEY,
  seq           BIGSERIAL NOT NULL,
  config_key    TEXT NOT NULL,
  task          TEXT NOT NULL,
  config        TEXT NOT NULL,
  seed          BIGINT NOT NULL,
  code_version  TEXT NOT NULL,
  client        TEXT NOT NULL,
  priority      INTEGER NOT NULL,
  steps         BIGINT NOT NULL,
  status        TEXT NOT NULL,
  message       TEXT,
  columns       TEXT,
  summary       TEXT,
  provenance    TEXT,
  progress_step BIGINT NOT NULL DEFAULT 0,
  created_at    BIGINT NOT NULL,
  started_at    BIGINT,
  finished_at   BIGINT,
  removed       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_key ON runs(config_key, removed);
CREATE INDEX runs_by_status ON runs(status, removed, created_at);
-- evaluation rows: little-endian float64 values in column order
CREATE TABLE metrics (
  run_id TEXT NOT NULL REFERENCES runs(id),
  step   BIGINT NOT NULL,
  row    BYTEA NOT NULL,
  PRIMARY KEY (run_id, step)
);
-- float32 arrays for the views: matrix snapshots at steps, fixed predictors at step -1
CREATE TABLE snapshots (
  run_id TEXT NOT NULL REFERENCES runs(id),
  name   TEXT NOT NULL,
  step   BIGINT NOT NULL,
  n_rows INTEGER NOT NULL,
  n_cols INTEGER NOT NULL,
  data   BYTEA NOT NULL,
  PRIMARY KEY (run_id, name, step)
);
-- the latest training state of an unfinished run; crc32 of state guards against a torn write
CREATE TABLE checkpoints (
  run_id TEXT PRIMARY KEY REFERENCES runs(id),
  step   BIGINT NOT NULL,
  state  BYTEA NOT NULL,
  crc    BIGINT NOT NULL
);

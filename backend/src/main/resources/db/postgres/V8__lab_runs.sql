-- classroom labs at class scale: the teacher key's hash (SHA-256, hex; the key itself is never stored), and one row
-- per student submission (identical configs in a lab share a run; each student's submission keeps its own row)
ALTER TABLE labs ADD COLUMN teacher_key_hash TEXT;
CREATE TABLE lab_runs (
  lab_id     TEXT NOT NULL,
  run_id     TEXT NOT NULL,
  client     TEXT NOT NULL,
  name       TEXT,
  hidden     INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  seq        BIGSERIAL NOT NULL,
  PRIMARY KEY (lab_id, client, run_id)
);
CREATE INDEX lab_runs_by_lab ON lab_runs(lab_id, created_at);

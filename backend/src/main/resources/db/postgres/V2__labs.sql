-- classroom labs: a preset with per-field rules (editable within a range, locked, hidden) and instructions; doc is JSON
CREATE TABLE labs (
  id         TEXT PRIMARY KEY,
  doc        TEXT NOT NULL,
  client     TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- The classroom lab a run was started from (null: an ordinary run), so a teacher can tell the class's runs apart.
ALTER TABLE runs ADD COLUMN lab_id TEXT;

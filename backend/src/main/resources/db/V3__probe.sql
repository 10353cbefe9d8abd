-- One row the server rewrites to learn whether the store can take writes again (after a full disk).
CREATE TABLE store_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);

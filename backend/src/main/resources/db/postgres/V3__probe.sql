-- One row the server rewrites to learn whether the store can take writes again.
CREATE TABLE store_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at BIGINT NOT NULL);

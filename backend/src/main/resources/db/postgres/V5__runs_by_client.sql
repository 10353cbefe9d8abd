-- A client's runs by creation time: the per-client budget sums the runs each client created in the last 24 h.
CREATE INDEX runs_by_client ON runs(client, created_at);

-- Accord store, postgres dialect, version 3: behaviour alerts (internal/detect). One row per alert,
-- updated in place while the behaviour goes on (same id); every write goes through Store.Apply,
-- so each version of an alert has its ledger entry (record type "alert").
-- Times are Unix milliseconds, UTC.

CREATE TABLE alerts (
	id         TEXT PRIMARY KEY CHECK (id <> ''),
	kind       TEXT NOT NULL CHECK (kind IN ('gap', 'encounter', 'loitering', 'zone_entry', 'speed', 'identity')),
	severity   TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
	start_ms   BIGINT NOT NULL,
	end_ms     BIGINT NOT NULL CHECK (end_ms >= start_ms),
	lat        double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
	lon        double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
	state      TEXT NOT NULL,
	zone       TEXT NOT NULL,
	authority  TEXT NOT NULL,
	open       INTEGER NOT NULL CHECK (open IN (0, 1)),
	originator TEXT NOT NULL CHECK (originator <> ''), -- marking: the agency whose feeds it comes from
	tlp        TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
	body       TEXT NOT NULL, -- the alert as JSON, with its evidence (the record the ledger hashes)
	updated_ms BIGINT NOT NULL
);
CREATE INDEX alerts_end ON alerts(end_ms);

-- The vessels of each alert, for look-ups by MMSI.
CREATE TABLE alert_vessels (
	alert_id TEXT NOT NULL REFERENCES alerts(id),
	mmsi     BIGINT NOT NULL,
	PRIMARY KEY (alert_id, mmsi)
);
CREATE INDEX alert_vessels_mmsi ON alert_vessels(mmsi);

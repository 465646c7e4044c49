-- Accord store, sqlite dialect, version 6: interdiction cases opened from behaviour alerts
-- (internal/cases), and the releasability of alerts and cases. Every write goes through
-- Store.Apply, so each version of a case has its ledger entry (record type "case"). body is the
-- case as JSON with its events (what the ledger hashes). Times are Unix milliseconds, UTC.

CREATE TABLE cases (
	id           TEXT PRIMARY KEY CHECK (id <> ''),
	alert_id     TEXT NOT NULL REFERENCES alerts(id),
	authority    TEXT NOT NULL,
	status       TEXT NOT NULL,
	acting_state TEXT NOT NULL,
	originator   TEXT NOT NULL CHECK (originator <> ''), -- marking: the opening officer's agency
	tlp          TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
	body         TEXT NOT NULL,
	opened_ms    BIGINT NOT NULL,
	updated_ms   BIGINT NOT NULL
);
CREATE INDEX cases_authority ON cases(authority, updated_ms);
CREATE INDEX cases_alert ON cases(alert_id);

-- Releasability ("REL TO") of alerts and cases, whose ids are text; the same meaning as rel_to
-- (version 2): a state (ISO alpha-3), an agency (code) or, for TLP RED, a user id in decimal.
-- Read queries AND the releasability clause (internal/store/cases.go, markedVisible).
CREATE TABLE marked_rel_to (
	kind        TEXT NOT NULL CHECK (kind IN ('alert', 'case')),
	record_id   TEXT NOT NULL,
	target_type TEXT NOT NULL CHECK (target_type IN ('state', 'agency', 'user')),
	target      TEXT NOT NULL,
	PRIMARY KEY (kind, record_id, target_type, target)
);

-- Accord store, SQLite dialect, version 10: a STIX id is unique within its originator's
-- records, not across the node. Until version 9 reports, entities and links carried a global
-- UNIQUE (stix_id), so creating a record with the STIX id of another agency's record the writer
-- may not read was refused with a conflict: the refusal told the writer that the hidden record
-- exists. A writer only writes records originated by its own agency, and its agency's records
-- are all readable by it (access.CanRead, rule 2), so a conflict on (stix_id, originator) only
-- ever names a record the writer may read. The index leads with stix_id so that a look-up by
-- STIX id alone (several originators may carry one) uses it too.
--
-- SQLite cannot drop a column's UNIQUE constraint: each table is rebuilt (same columns in the
-- same order, same ids, so reports_fts, whose rowids are report ids, and every reference by id
-- stay valid; foreign keys are not enforced by this store, see sqlite.go) and its indexes are
-- created again.
CREATE TABLE reports_v10 (
	id          INTEGER PRIMARY KEY,
	stix_id     TEXT NOT NULL,
	originator  TEXT NOT NULL REFERENCES agencies(code),
	tlp         TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
	discipline  TEXT NOT NULL CHECK (discipline IN ('SIGINT', 'OSINT', 'HUMINT', 'LAW_ENFORCEMENT', 'IMAGERY', 'AIS')),
	reliability TEXT NOT NULL CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
	credibility INTEGER NOT NULL CHECK (credibility BETWEEN 1 AND 6),
	source      TEXT NOT NULL DEFAULT '',
	observed    INTEGER NOT NULL,
	lat         REAL CHECK (lat BETWEEN -90 AND 90),
	lon         REAL CHECK (lon BETWEEN -180 AND 180),
	place       TEXT NOT NULL DEFAULT '',
	title       TEXT NOT NULL,
	body        TEXT NOT NULL DEFAULT '',
	created     INTEGER NOT NULL,
	created_by  TEXT NOT NULL,
	content_sha256 BLOB NOT NULL,
	rel_to_list TEXT NOT NULL DEFAULT ''
);
INSERT INTO reports_v10 (id, stix_id, originator, tlp, discipline, reliability, credibility, source, observed, lat, lon, place,
		title, body, created, created_by, content_sha256, rel_to_list)
	SELECT id, stix_id, originator, tlp, discipline, reliability, credibility, source, observed, lat, lon, place,
		title, body, created, created_by, content_sha256, rel_to_list FROM reports;
DROP TABLE reports;
ALTER TABLE reports_v10 RENAME TO reports;
CREATE INDEX reports_observed ON reports(observed, id);
CREATE INDEX reports_originator_observed ON reports(originator, observed);
CREATE INDEX reports_discipline_observed ON reports(discipline, observed);
CREATE INDEX reports_tlp_observed ON reports(tlp, observed);
CREATE UNIQUE INDEX reports_stix_originator ON reports(stix_id, originator);

CREATE TABLE entities_v10 (
	id         INTEGER PRIMARY KEY,
	stix_id    TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('person', 'organisation', 'cartel', 'vessel', 'vehicle', 'place', 'tunnel')),
	name       TEXT NOT NULL,
	originator TEXT NOT NULL REFERENCES agencies(code),
	tlp        TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
	lat        REAL CHECK (lat BETWEEN -90 AND 90),
	lon        REAL CHECK (lon BETWEEN -180 AND 180),
	created    INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	content_sha256 BLOB NOT NULL
);
INSERT INTO entities_v10 (id, stix_id, kind, name, originator, tlp, lat, lon, created, created_by, content_sha256)
	SELECT id, stix_id, kind, name, originator, tlp, lat, lon, created, created_by, content_sha256 FROM entities;
DROP TABLE entities;
ALTER TABLE entities_v10 RENAME TO entities;
CREATE INDEX entities_name ON entities(name);
CREATE UNIQUE INDEX entities_stix_originator ON entities(stix_id, originator);

CREATE TABLE links_v10 (
	id         INTEGER PRIMARY KEY,
	stix_id    TEXT NOT NULL,
	source_id  INTEGER NOT NULL REFERENCES entities(id),
	target_id  INTEGER NOT NULL REFERENCES entities(id),
	kind       TEXT NOT NULL,
	valid_from INTEGER NOT NULL,
	valid_to   INTEGER,
	originator TEXT NOT NULL REFERENCES agencies(code),
	tlp        TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
	created    INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	content_sha256 BLOB NOT NULL,
	CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
INSERT INTO links_v10 (id, stix_id, source_id, target_id, kind, valid_from, valid_to, originator, tlp, created, created_by, content_sha256)
	SELECT id, stix_id, source_id, target_id, kind, valid_from, valid_to, originator, tlp, created, created_by, content_sha256 FROM links;
DROP TABLE links;
ALTER TABLE links_v10 RENAME TO links;
CREATE INDEX links_source ON links(source_id);
CREATE INDEX links_target ON links(target_id);
CREATE UNIQUE INDEX links_stix_originator ON links(stix_id, originator);

-- Accord store, SQLite dialect, version 2: sovereignty core. States, agencies, users with roles,
-- sessions and API tokens (hashes only), intelligence reports, entities, links, and the
-- markings of each record (originator agency, TLP 2.0 level, releasability).
-- Times are INTEGER Unix milliseconds, UTC. Releasability is enforced in every read query
-- (internal/store/sovereignty_access.go builds the WHERE clause from the reading user).

CREATE TABLE states (
	code TEXT PRIMARY KEY CHECK (length(code) = 3 AND code = upper(code)), -- ISO 3166-1 alpha-3
	name TEXT NOT NULL
);

CREATE TABLE agencies (
	code  TEXT PRIMARY KEY CHECK (code <> ''),
	state TEXT NOT NULL REFERENCES states(code),
	name  TEXT NOT NULL
);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE CHECK (name <> ''),
	agency        TEXT NOT NULL REFERENCES agencies(code),
	password_hash TEXT NOT NULL, -- PHC string "$argon2id$v=19$m=...,t=...,p=...$salt$hash"
	created       INTEGER NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
);

CREATE TABLE user_roles (
	user_id INTEGER NOT NULL REFERENCES users(id),
	role    TEXT NOT NULL CHECK (role IN ('analyst', 'watch_officer', 'approver', 'legal', 'consular', 'oversight', 'monitor', 'admin')),
	PRIMARY KEY (user_id, role)
);

-- Browser sessions and API tokens. Only the SHA-256 of a token (and of a session's CSRF token)
-- is stored; the token itself is shown once, to its holder.
CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	kind       TEXT NOT NULL CHECK (kind IN ('session', 'token')),
	label      TEXT NOT NULL DEFAULT '',
	csrf_hash  BLOB,
	created    INTEGER NOT NULL,
	expires    INTEGER NOT NULL,
	revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX sessions_user ON sessions(user_id);

-- content_sha256 of reports, entities and links is the SHA-256 of the record's canonical content
-- at its last change, the value its ledger entries carry.

-- Intelligence reports. reliability A-F and credibility 1-6 are the Admiralty grade.
-- source identifies the source within the originating agency (or a shared public source such
-- as a news outlet); two reports with the same source are not independent.
CREATE TABLE reports (
	id          INTEGER PRIMARY KEY,
	stix_id     TEXT NOT NULL UNIQUE,
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
	content_sha256 BLOB NOT NULL
);
CREATE INDEX reports_observed ON reports(observed, id);
CREATE INDEX reports_originator_observed ON reports(originator, observed);
CREATE INDEX reports_discipline_observed ON reports(discipline, observed);
CREATE INDEX reports_tlp_observed ON reports(tlp, observed);

-- Attachments are stored once by content hash; a report lists the hashes it carries.
CREATE TABLE attachments (
	sha256     BLOB PRIMARY KEY,
	size       INTEGER NOT NULL,
	content    BLOB NOT NULL
);
CREATE TABLE report_attachments (
	report_id  INTEGER NOT NULL REFERENCES reports(id),
	sha256     BLOB NOT NULL REFERENCES attachments(sha256),
	name       TEXT NOT NULL,
	media_type TEXT NOT NULL,
	PRIMARY KEY (report_id, sha256)
);

CREATE TABLE entities (
	id         INTEGER PRIMARY KEY,
	stix_id    TEXT NOT NULL UNIQUE,
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
CREATE INDEX entities_name ON entities(name);
CREATE TABLE entity_aliases (
	entity_id INTEGER NOT NULL REFERENCES entities(id),
	alias     TEXT NOT NULL,
	PRIMARY KEY (entity_id, alias)
);
CREATE INDEX entity_aliases_alias ON entity_aliases(alias);
CREATE TABLE entity_identifiers (
	entity_id INTEGER NOT NULL REFERENCES entities(id),
	scheme    TEXT NOT NULL CHECK (scheme IN ('CURP', 'RFC', 'PASSPORT', 'IMO', 'MMSI', 'PLATE')),
	value     TEXT NOT NULL,
	PRIMARY KEY (entity_id, scheme, value)
);
CREATE INDEX entity_identifiers_value ON entity_identifiers(scheme, value);

-- Links between entities, valid from valid_from until valid_to (NULL: still valid).
CREATE TABLE links (
	id         INTEGER PRIMARY KEY,
	stix_id    TEXT NOT NULL UNIQUE,
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
CREATE INDEX links_source ON links(source_id);
CREATE INDEX links_target ON links(target_id);

-- Which entities a report speaks of, and whether it supports or contradicts the claim that
-- the entity was at the report's place and time.
CREATE TABLE report_entities (
	report_id INTEGER NOT NULL REFERENCES reports(id),
	entity_id INTEGER NOT NULL REFERENCES entities(id),
	stance    TEXT NOT NULL CHECK (stance IN ('mentions', 'supports', 'contradicts')),
	PRIMARY KEY (report_id, entity_id)
);
CREATE INDEX report_entities_entity ON report_entities(entity_id, report_id);

-- Releasability ("REL TO") of marked records: a state (ISO alpha-3), an agency (code) or, for
-- TLP RED, a named recipient (user id in decimal).
CREATE TABLE rel_to (
	kind        TEXT NOT NULL CHECK (kind IN ('report', 'entity', 'link')),
	record_id   INTEGER NOT NULL,
	target_type TEXT NOT NULL CHECK (target_type IN ('state', 'agency', 'user')),
	target      TEXT NOT NULL,
	PRIMARY KEY (kind, record_id, target_type, target)
);
CREATE INDEX rel_to_target ON rel_to(kind, target_type, target, record_id);

-- Reads of AMBER, AMBER+STRICT and RED records: one row per record returned to a user. The rows
-- of one read (read_id) are written with one ledger entry (record type "read", record id
-- read_id) whose content hash is the SHA-256 of the read's canonical row list.
CREATE TABLE read_log (
	id        INTEGER PRIMARY KEY,
	read_id   TEXT NOT NULL,
	at        INTEGER NOT NULL,
	user_id   INTEGER NOT NULL,
	via       TEXT NOT NULL,
	kind      TEXT NOT NULL CHECK (kind IN ('report', 'entity', 'link')),
	record_id INTEGER NOT NULL,
	tlp       TEXT NOT NULL
);
CREATE INDEX read_log_record ON read_log(kind, record_id);
CREATE INDEX read_log_read ON read_log(read_id);

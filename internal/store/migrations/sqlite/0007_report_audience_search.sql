-- Accord store, SQLite dialect, version 7: releasability expanded per report, and full-text
-- search of reports.
--
-- report_audience holds one row per (audience key, report) for every audience that may read
-- the report (package access, Audiences): "*" (every reader: CLEAR, GREEN without REL TO),
-- "state:<code>", "agency:<code>" (REL TO entries, and always the originating agency) and
-- "user:<id>" (RED recipients). A reader holds four keys (access.User.AudienceKeys), so a
-- filtered list is one backward range scan of this table per key, in observation order,
-- merged and cut at the page size: releasability costs no per-report check. The columns after
-- the key copy the report's filterable fields so that the scan never touches reports.
-- Written in the same transaction as the report (internal/store/sovereignty_intel.go).
CREATE TABLE report_audience (
	audience   TEXT NOT NULL,
	observed   INTEGER NOT NULL,
	report_id  INTEGER NOT NULL,
	discipline TEXT NOT NULL,
	tlp        TEXT NOT NULL,
	originator TEXT NOT NULL,
	PRIMARY KEY (audience, observed, report_id)
) WITHOUT ROWID;
-- One index per list filter, so that a filtered list reads only matching rows in time order
-- (a scan of the primary key filtering on the copied columns read ~6 rows per match for a
-- discipline, more for a level). A list filtered on two of them uses the first index of
-- discipline, originator, level and filters the others on the index's trailing columns: every
-- index covers the list's columns, so a list never reads the table itself.
CREATE INDEX report_audience_discipline ON report_audience(audience, discipline, observed, report_id, tlp, originator);
CREATE INDEX report_audience_originator ON report_audience(audience, originator, observed, report_id, discipline, tlp);
CREATE INDEX report_audience_tlp ON report_audience(audience, tlp, observed, report_id, discipline, originator);

-- Existing reports (their markings passed access.Markings.Validate when written).
INSERT OR IGNORE INTO report_audience (audience, observed, report_id, discipline, tlp, originator)
	SELECT 'agency:' || r.originator, r.observed, r.id, r.discipline, r.tlp, r.originator FROM reports r;
INSERT OR IGNORE INTO report_audience (audience, observed, report_id, discipline, tlp, originator)
	SELECT '*', r.observed, r.id, r.discipline, r.tlp, r.originator FROM reports r
	WHERE r.tlp = 'CLEAR' OR (r.tlp = 'GREEN' AND NOT EXISTS (SELECT 1 FROM rel_to x WHERE x.kind = 'report' AND x.record_id = r.id));
INSERT OR IGNORE INTO report_audience (audience, observed, report_id, discipline, tlp, originator)
	SELECT x.target_type || ':' || x.target, r.observed, r.id, r.discipline, r.tlp, r.originator
	FROM reports r JOIN rel_to x ON x.kind = 'report' AND x.record_id = r.id
	WHERE (r.tlp IN ('GREEN', 'AMBER') AND x.target_type IN ('state', 'agency')) OR (r.tlp = 'RED' AND x.target_type = 'user');

-- Full-text index of reports' title, text and place (FTS5, external content: the text is
-- stored once, in reports). unicode61 with remove_diacritics 2 folds case and accents, so
-- "mexico" finds "México". Rows are added with each report (sovereignty_intel.go).
CREATE VIRTUAL TABLE reports_fts USING fts5(title, body, place, content = 'reports', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO reports_fts (reports_fts) VALUES ('rebuild');

-- A copy of each report's REL TO list in its row ("state:MEX,agency:SEMAR,user:17", sorted; ""
-- without REL TO), so that a list reads the markings with the row instead of one rel_to probe
-- per report (~15% of a list's CPU on the benchmark store). rel_to stays the record of
-- releasability (and report_audience its expansion); both are written with the report, whose
-- markings never change afterwards.
ALTER TABLE reports ADD COLUMN rel_to_list TEXT NOT NULL DEFAULT '';
UPDATE reports SET rel_to_list = (SELECT group_concat(t, ',') FROM (SELECT x.target_type || ':' || x.target AS t FROM rel_to x WHERE x.kind = 'report' AND x.record_id = reports.id ORDER BY x.target_type, x.target) AS l)
	WHERE id IN (SELECT record_id FROM rel_to WHERE kind = 'report');

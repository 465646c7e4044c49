-- Accord store, PostgreSQL dialect, version 7: releasability expanded per report, and full-text
-- search of reports. See the SQLite migration of the same number for the design.
CREATE TABLE report_audience (
	audience   text NOT NULL,
	observed   bigint NOT NULL,
	report_id  bigint NOT NULL REFERENCES reports(id),
	discipline text NOT NULL,
	tlp        text NOT NULL,
	originator text NOT NULL,
	PRIMARY KEY (audience, observed, report_id)
);
-- One index per list filter, so that a filtered list reads only matching rows in time order
-- (a scan of the primary key filtering on the copied columns read ~6 rows per match for a
-- discipline, more for a level). A list filtered on two of them uses the first index of
-- discipline, originator, level and filters the others on the index's trailing columns: every
-- index covers the list's columns, so a list never reads the table itself.
CREATE INDEX report_audience_discipline ON report_audience(audience, discipline, observed, report_id, tlp, originator);
CREATE INDEX report_audience_originator ON report_audience(audience, originator, observed, report_id, discipline, tlp);
CREATE INDEX report_audience_tlp ON report_audience(audience, tlp, observed, report_id, discipline, originator);

INSERT INTO report_audience (audience, observed, report_id, discipline, tlp, originator)
	SELECT 'agency:' || r.originator, r.observed, r.id, r.discipline, r.tlp, r.originator FROM reports r
	ON CONFLICT DO NOTHING;
INSERT INTO report_audience (audience, observed, report_id, discipline, tlp, originator)
	SELECT '*', r.observed, r.id, r.discipline, r.tlp, r.originator FROM reports r
	WHERE r.tlp = 'CLEAR' OR (r.tlp = 'GREEN' AND NOT EXISTS (SELECT 1 FROM rel_to x WHERE x.kind = 'report' AND x.record_id = r.id))
	ON CONFLICT DO NOTHING;
INSERT INTO report_audience (audience, observed, report_id, discipline, tlp, originator)
	SELECT x.target_type || ':' || x.target, r.observed, r.id, r.discipline, r.tlp, r.originator
	FROM reports r JOIN rel_to x ON x.kind = 'report' AND x.record_id = r.id
	WHERE (r.tlp IN ('GREEN', 'AMBER') AND x.target_type IN ('state', 'agency')) OR (r.tlp = 'RED' AND x.target_type = 'user')
	ON CONFLICT DO NOTHING;

-- Full-text search: a generated tsvector of title, text and place with the 'simple'
-- configuration (no stemming, no stop words: names, vessels and places are searched as
-- written; case is folded), and its GIN index.
ALTER TABLE reports ADD COLUMN search tsvector GENERATED ALWAYS AS
	(to_tsvector('simple', title || ' ' || body || ' ' || place)) STORED;
CREATE INDEX reports_search ON reports USING gin (search);

-- A copy of each report's REL TO list in its row ("state:MEX,agency:SEMAR,user:17", sorted; ""
-- without REL TO), so that a list reads the markings with the row instead of one rel_to probe
-- per report (~15% of a list's CPU on the benchmark store). rel_to stays the record of
-- releasability (and report_audience its expansion); both are written with the report, whose
-- markings never change afterwards.
ALTER TABLE reports ADD COLUMN rel_to_list text NOT NULL DEFAULT '';
UPDATE reports SET rel_to_list = (SELECT string_agg(x.target_type || ':' || x.target, ',' ORDER BY x.target_type, x.target) FROM rel_to x WHERE x.kind = 'report' AND x.record_id = reports.id)
	WHERE id IN (SELECT record_id FROM rel_to WHERE kind = 'report');

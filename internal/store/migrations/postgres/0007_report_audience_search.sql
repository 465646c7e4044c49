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

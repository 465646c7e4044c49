-- Accord store, SQLite dialect, version 8: feeds carry releasability (REL TO), and the vessel
-- picture is kept per feed so that every read returns only what the reader may see.
--
-- feeds.rel_to is the feed's REL TO list in canonical form, comma-separated ("state:MEX,
-- agency:DEA", or "user:17" for RED; empty: none). feed_audience holds one row per (audience
-- key, feed) for every audience that may read the feed's data (package access, Audiences):
-- "*", "state:<code>", "agency:<code>" (always the originator) and "user:<id>". A reader holds
-- the keys of access.User.AudienceKeys; positions, latest positions and static data are
-- returned only from feeds that carry one of them. Rewritten with the feed's markings in the
-- write transaction (internal/store/vessel_access.go).
ALTER TABLE feeds ADD COLUMN rel_to TEXT NOT NULL DEFAULT '';
CREATE TABLE feed_audience (
	audience TEXT NOT NULL,
	feed_id  INTEGER NOT NULL REFERENCES feeds(id),
	PRIMARY KEY (audience, feed_id)
) WITHOUT ROWID;
-- Existing feeds have no REL TO: the originator reads them; CLEAR and GREEN go to everyone.
INSERT INTO feed_audience (audience, feed_id) SELECT 'agency:' || originator, id FROM feeds;
INSERT INTO feed_audience (audience, feed_id) SELECT '*', id FROM feeds WHERE tlp IN ('CLEAR', 'GREEN');

-- The latest position of each vessel per feed (was: per vessel). A reader sees the newest of
-- the rows of the feeds releasable to him; with one row per vessel, a reader who may not read
-- the feed of the newest report would lose the vessel, or see that report.
CREATE TABLE latest_by_feed (
	mmsi       INTEGER NOT NULL,
	feed_id    INTEGER NOT NULL REFERENCES feeds(id),
	t          INTEGER NOT NULL,
	lat        REAL NOT NULL,
	lon        REAL NOT NULL,
	sog        REAL,
	cog        REAL,
	heading    REAL,
	nav_status INTEGER,
	msg_type   INTEGER NOT NULL,
	PRIMARY KEY (mmsi, feed_id)
) WITHOUT ROWID;
INSERT INTO latest_by_feed (mmsi, feed_id, t, lat, lon, sog, cog, heading, nav_status, msg_type)
	SELECT mmsi, feed_id, t, lat, lon, sog, cog, heading, nav_status, msg_type FROM latest;
DROP TABLE latest;
ALTER TABLE latest_by_feed RENAME TO latest;

-- Static and voyage data per vessel per feed, merged field by field within the feed. Existing
-- rows (merged across feeds) stay under the feed of their last report.
CREATE TABLE vessels_by_feed (
	mmsi        INTEGER NOT NULL,
	feed_id     INTEGER NOT NULL REFERENCES feeds(id),
	imo         INTEGER,
	name        TEXT,
	call_sign   TEXT,
	ship_type   INTEGER,
	length      REAL,
	beam        REAL,
	draught     REAL,
	destination TEXT,
	flag        TEXT,
	class_b     INTEGER NOT NULL,
	t           INTEGER NOT NULL,
	PRIMARY KEY (mmsi, feed_id)
) WITHOUT ROWID;
INSERT INTO vessels_by_feed (mmsi, feed_id, imo, name, call_sign, ship_type, length, beam, draught, destination, flag, class_b, t)
	SELECT mmsi, feed_id, imo, name, call_sign, ship_type, length, beam, draught, destination, flag, class_b, t FROM vessels;
DROP TABLE vessels;
ALTER TABLE vessels_by_feed RENAME TO vessels;

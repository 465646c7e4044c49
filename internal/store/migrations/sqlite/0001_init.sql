-- Accord store, SQLite dialect, version 1: feeds, evidence, positions, latest positions, vessels.
-- Times are INTEGER Unix milliseconds, UTC. A float that was "not available" is NULL.

-- One row per feed. Counters are cumulative since the feed was created (last write wins).
-- originator and tlp are the marking of every record the feed delivers.
CREATE TABLE feeds (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL UNIQUE,
	kind         TEXT NOT NULL,
	originator   TEXT NOT NULL CHECK (originator <> ''),
	tlp          TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
	lines        INTEGER NOT NULL,
	sentences    INTEGER NOT NULL,
	messages     INTEGER NOT NULL,
	bad_checksum INTEGER NOT NULL,
	incomplete   INTEGER NOT NULL,
	unparseable  INTEGER NOT NULL,
	other        INTEGER NOT NULL,
	dropped      INTEGER NOT NULL,
	updated      INTEGER NOT NULL
);

-- Raw sentences kept as evidence: one row per feed per written batch. payload is gzip of the
-- records "<receive Unix ms>\t<line>\n"; sha256 is the SHA-256 of the uncompressed records.
CREATE TABLE evidence (
	id         INTEGER PRIMARY KEY,
	feed_id    INTEGER NOT NULL REFERENCES feeds(id),
	first_recv INTEGER NOT NULL,
	last_recv  INTEGER NOT NULL,
	lines      INTEGER NOT NULL CHECK (lines > 0),
	sha256     BLOB NOT NULL,
	payload    BLOB NOT NULL
);
CREATE INDEX evidence_feed_recv ON evidence(feed_id, first_recv);

-- Every position report, in the order written. evidence_id is the evidence row of the same feed
-- and batch. There is deliberately no per-row (mmsi, t) index: with positions of thousands of
-- vessels interleaved, such an index dirties one page per vessel per transaction and cut the
-- write rate by three (see bench/sqlitedrivers/README.md). track_segments is built in bulk instead.
CREATE TABLE positions (
	id          INTEGER PRIMARY KEY,
	mmsi        INTEGER NOT NULL,
	t           INTEGER NOT NULL,
	lat         REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
	lon         REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
	sog         REAL,
	cog         REAL,
	heading     REAL,
	nav_status  INTEGER,
	msg_type    INTEGER NOT NULL,
	feed_id     INTEGER NOT NULL REFERENCES feeds(id),
	evidence_id INTEGER REFERENCES evidence(id)
);

-- Where each vessel's positions are: one row per vessel per index extension, listing the ids
-- (comma-separated, ascending time) of its positions with t_first <= t <= t_last. It covers
-- every position with id <= track_index_state.indexed_upto; the rows above it (fewer than
-- ~100,000) are found by scanning that tail. The writer extends the index in bulk, in the same
-- transaction as a batch, which costs one row per vessel instead of one index entry per position.
CREATE TABLE track_segments (
	mmsi    INTEGER NOT NULL,
	t_first INTEGER NOT NULL,
	t_last  INTEGER NOT NULL,
	ids     TEXT NOT NULL
);
CREATE INDEX track_segments_mmsi ON track_segments(mmsi, t_last);
CREATE TABLE track_index_state (
	one          INTEGER PRIMARY KEY CHECK (one = 1),
	indexed_upto INTEGER NOT NULL
);
INSERT INTO track_index_state (one, indexed_upto) VALUES (1, 0);

-- The newest position of each vessel, kept current in the same transaction as positions.
CREATE TABLE latest (
	mmsi       INTEGER PRIMARY KEY,
	t          INTEGER NOT NULL,
	lat        REAL NOT NULL,
	lon        REAL NOT NULL,
	sog        REAL,
	cog        REAL,
	heading    REAL,
	nav_status INTEGER,
	msg_type   INTEGER NOT NULL,
	feed_id    INTEGER NOT NULL REFERENCES feeds(id)
);

-- Static and voyage data, merged field by field: a report never erases a known value with NULL.
CREATE TABLE vessels (
	mmsi        INTEGER PRIMARY KEY,
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
	feed_id     INTEGER NOT NULL REFERENCES feeds(id)
);

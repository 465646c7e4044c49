-- Accord store, PostgreSQL dialect, version 1: feeds, evidence, positions, latest positions, vessels.
-- Times are timestamptz (UTC, stored to the millisecond). A float that was "not available" is NULL.

-- One row per feed. Counters are cumulative since the feed was created (last write wins).
-- originator and tlp are the marking of every record the feed delivers.
CREATE TABLE feeds (
	id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name         text NOT NULL UNIQUE,
	kind         text NOT NULL,
	originator   text NOT NULL CHECK (originator <> ''),
	tlp          text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
	lines        bigint NOT NULL,
	sentences    bigint NOT NULL,
	messages     bigint NOT NULL,
	bad_checksum bigint NOT NULL,
	incomplete   bigint NOT NULL,
	unparseable  bigint NOT NULL,
	other        bigint NOT NULL,
	dropped      bigint NOT NULL,
	updated      timestamptz NOT NULL
);

-- Raw sentences kept as evidence: one row per feed per written batch. payload is gzip of the
-- records "<receive Unix ms>\t<line>\n"; sha256 is the SHA-256 of the uncompressed records.
CREATE TABLE evidence (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	feed_id    integer NOT NULL REFERENCES feeds(id),
	first_recv timestamptz NOT NULL,
	last_recv  timestamptz NOT NULL,
	lines      integer NOT NULL CHECK (lines > 0),
	sha256     bytea NOT NULL,
	payload    bytea NOT NULL
);
CREATE INDEX evidence_feed_recv ON evidence(feed_id, first_recv);

-- Every position report. evidence_id is the evidence row of the same feed and batch.
CREATE TABLE positions (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	mmsi        integer NOT NULL,
	t           timestamptz NOT NULL,
	lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
	lon         double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
	sog         double precision,
	cog         double precision,
	heading     double precision,
	nav_status  smallint,
	msg_type    smallint NOT NULL,
	feed_id     integer NOT NULL REFERENCES feeds(id),
	evidence_id bigint REFERENCES evidence(id)
);
CREATE INDEX positions_mmsi_t ON positions(mmsi, t);

-- The newest position of each vessel, kept current in the same transaction as positions.
CREATE TABLE latest (
	mmsi       integer PRIMARY KEY,
	t          timestamptz NOT NULL,
	lat        double precision NOT NULL,
	lon        double precision NOT NULL,
	sog        double precision,
	cog        double precision,
	heading    double precision,
	nav_status smallint,
	msg_type   smallint NOT NULL,
	feed_id    integer NOT NULL REFERENCES feeds(id)
);

-- Static and voyage data, merged field by field: a report never erases a known value with NULL.
CREATE TABLE vessels (
	mmsi        integer PRIMARY KEY,
	imo         integer,
	name        text,
	call_sign   text,
	ship_type   smallint,
	length      double precision,
	beam        double precision,
	draught     double precision,
	destination text,
	flag        text,
	class_b     boolean NOT NULL,
	t           timestamptz NOT NULL,
	feed_id     integer NOT NULL REFERENCES feeds(id)
);

-- Accord store, PostgreSQL dialect, version 9: the latest position of each vessel per feed,
-- read back from positions. Version 8 kept the one latest row each vessel had (from the feed with
-- the newest report); the latest positions of its other feeds are rebuilt here, so that a reader
-- who may not read a vessel's newest feed still finds it where his feeds last put it. Static
-- data cannot be rebuilt this way (it was merged across feeds): it stays under the feed of its
-- last report.
INSERT INTO latest (mmsi, feed_id, t, lat, lon, sog, cog, heading, nav_status, msg_type)
	SELECT DISTINCT ON (mmsi, feed_id) mmsi, feed_id, t, lat, lon, sog, cog, heading, nav_status, msg_type
	FROM positions ORDER BY mmsi, feed_id, t DESC, id DESC
	ON CONFLICT (mmsi, feed_id) DO NOTHING;

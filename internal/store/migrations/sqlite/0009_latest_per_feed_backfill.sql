-- Accord store, SQLite dialect, version 9: the latest position of each vessel per feed, read
-- back from positions. Version 8 kept the one latest row each vessel had (from the feed with the
-- newest report); the latest positions of its other feeds are rebuilt here, so that a reader who
-- may not read a vessel's newest feed still finds it where his feeds last put it. Bare columns
-- with max(t) come from the row holding the maximum. Static data cannot be rebuilt this way (it
-- was merged across feeds): it stays under the feed of its last report.
INSERT OR IGNORE INTO latest (mmsi, feed_id, t, lat, lon, sog, cog, heading, nav_status, msg_type)
	SELECT mmsi, feed_id, max(t), lat, lon, sog, cog, heading, nav_status, msg_type FROM positions GROUP BY mmsi, feed_id;

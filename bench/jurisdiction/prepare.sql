-- The PostGIS reference for the jurisdiction engine, part 1: the same geometry (loaded by
-- run.sh into geo_in from the engine's WriteGeometryTSV), prepared for set-based queries.
-- classify.sql then answers points with the engine's zone rules (docs/jurisdiction.md) but
-- PostGIS point-in-polygon and geography (WGS 84 spheroid) distances.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS postgis;

DROP TABLE IF EXISTS land_ring, sea, treaty, edges, base_grp;
-- Polygons, cut into pieces of at most 256 vertices for fast point-in-polygon. A polygon that
-- GEOS cannot cut (a self-touching ring) is made valid first (ST_MakeValid keeps the even-odd
-- area of a ring), and kept whole when even that fails.
CREATE OR REPLACE FUNCTION cut(g geometry) RETURNS SETOF geometry AS $$
BEGIN
  RETURN QUERY SELECT ST_Subdivide(g, 256);
EXCEPTION WHEN OTHERS THEN
  BEGIN
    RETURN QUERY SELECT ST_Subdivide(ST_MakeValid(g), 256);
  EXCEPTION WHEN OTHERS THEN
    RETURN NEXT g;
  END;
END $$ LANGUAGE plpgsql;
-- Land as the engine reads it: every ring (outer rings and holes) of a place's polygons on its
-- own, and a point is land of the place when an odd number of them contain it (even-odd rule
-- over all rings), in a lake (internal waters) when an odd number of outer rings but an even
-- number of all rings contain it. This also sidesteps the invalid polygons of the data (the
-- United States' mainland has 89 719 holes and self-touching rings, which GEOS cannot cut).
CREATE TABLE land_ring AS
  SELECT r.state, r.place, r.rid, r.outer, cut(r.geom) AS geom FROM (
    SELECT g.state, g.place, g.n * 1000000 + d.path[1] AS rid, d.path[1] = 0 AS outer, d.geom
    FROM (SELECT row_number() OVER () AS n, state, place, ST_GeomFromText(wkt, 4326) AS geom FROM geo_in WHERE kind = 'land') g,
         LATERAL ST_DumpRings(g.geom) d) r;
CREATE TABLE sea AS SELECT state, cut(ST_GeomFromText(wkt, 4326)) AS geom FROM geo_in WHERE kind = 'sea';
CREATE TABLE treaty AS SELECT state AS north, place AS south, ST_GeomFromText(wkt, 4326) AS geom FROM geo_in WHERE kind = 'treaty';
-- Polygon edges (land borders included), for the distance from a point to the nearest land or
-- mapped-sea limit (the margin).
CREATE TABLE edges AS
  SELECT (ST_DumpSegments(ST_Boundary(ST_GeomFromText(wkt, 4326)))).geom::geography AS g
  FROM geo_in WHERE kind IN ('land', 'sea');
-- Baselines: coastline segments (kind coast) and the outer limits of mapped territorial seas
-- (kind limit; a baseline lies 12 nm inside them), as great-circle segments collected per
-- state and 5° tile into one geography each. A point's distance to each group within reach is
-- computed with the group repeated over consecutive points, so PostGIS builds the group's
-- circular tree once and reuses it (geography distance cache). reach is the group's box grown
-- by more than 201 nm in every direction at latitudes up to 40°: a point outside it is farther
-- than 201 nm from every segment of the group.
CREATE TABLE base_grp AS
  SELECT kind, state, ST_Collect(geom)::geography AS g,
         ST_Expand(ST_Extent(geom)::geometry, 4.6, 3.6) AS reach, count(*) AS segments
  FROM (SELECT kind, state, ST_GeomFromText(wkt, 4326) AS geom FROM geo_in WHERE kind IN ('coast', 'limit')) s
  GROUP BY kind, state, floor(ST_X(ST_StartPoint(geom)) / 5), floor(ST_Y(ST_StartPoint(geom)) / 5);
CREATE INDEX ON land_ring USING gist (geom);
CREATE INDEX ON sea USING gist (geom);
CREATE INDEX ON edges USING gist (g);
ANALYZE land_ring; ANALYZE sea; ANALYZE treaty; ANALYZE edges; ANALYZE base_grp;

-- The points: pts (id, lat, lon) is loaded by run.sh.
ALTER TABLE pts ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326);
ALTER TABLE pts ADD COLUMN IF NOT EXISTS geog geography(Point, 4326);
UPDATE pts SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326), geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
CREATE INDEX IF NOT EXISTS pts_geom ON pts USING gist (geom);
ANALYZE pts;

-- The PostGIS reference for the jurisdiction engine: the same geometry (loaded by run.sh into
-- geo_in from the engine's WriteGeometryTSV), the same zone rules (docs/jurisdiction.md), but
-- geography (WGS 84 spheroid) distances and PostGIS point-in-polygon.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS postgis;

DROP TABLE IF EXISTS land, hollow, sea, coast, lim, treaty, edges;
-- Polygons, cut into pieces of at most 256 vertices for fast point-in-polygon (a polygon that
-- GEOS cannot cut is kept whole).
CREATE OR REPLACE FUNCTION cut(g geometry) RETURNS SETOF geometry AS $$
BEGIN
  RETURN QUERY SELECT ST_Subdivide(g, 256);
EXCEPTION WHEN OTHERS THEN
  RETURN NEXT g;
END $$ LANGUAGE plpgsql;
CREATE TABLE land AS SELECT state, cut(ST_GeomFromText(wkt, 4326)) AS geom FROM geo_in WHERE kind = 'land';
-- Outer rings of land polygons: a point inside one but not in land is in a lake (internal waters).
CREATE TABLE hollow AS
  SELECT state, cut(ST_MakePolygon(ST_ExteriorRing(ST_GeomFromText(wkt, 4326)))) AS geom
  FROM geo_in WHERE kind = 'land' AND ST_NumInteriorRings(ST_GeomFromText(wkt, 4326)) > 0;
CREATE TABLE sea AS SELECT state, cut(ST_GeomFromText(wkt, 4326)) AS geom FROM geo_in WHERE kind = 'sea';
-- Baselines: coastline segments, and the outer limits of mapped territorial seas (a baseline
-- lies 12 nm inside them).
CREATE TABLE coast AS SELECT state, wkt::geography AS g FROM geo_in WHERE kind = 'coast';
CREATE TABLE lim AS SELECT state, wkt::geography AS g FROM geo_in WHERE kind = 'limit';
CREATE TABLE treaty AS SELECT state AS north, place AS south, ST_GeomFromText(wkt, 4326) AS geom FROM geo_in WHERE kind = 'treaty';
-- Polygon edges (land borders included), for the distance from a point to the nearest
-- land or mapped-sea limit.
CREATE TABLE edges AS
  SELECT (ST_DumpSegments(ST_Boundary(ST_GeomFromText(wkt, 4326)))).geom::geography AS g
  FROM geo_in WHERE kind IN ('land', 'sea');
CREATE INDEX ON land USING gist (geom);
CREATE INDEX ON hollow USING gist (geom);
CREATE INDEX ON sea USING gist (geom);
CREATE INDEX ON coast USING gist (g);
CREATE INDEX ON lim USING gist (g);
CREATE INDEX ON edges USING gist (g);
ANALYZE land; ANALYZE hollow; ANALYZE sea; ANALYZE coast; ANALYZE lim; ANALYZE treaty; ANALYZE edges;

-- nearest_base returns the nearest baseline (nm, state) to g of any state but excl:
-- min(distance to a coastline, distance to a mapped sea's outer limit + ts).
CREATE OR REPLACE FUNCTION nearest_base(g geography, excl text, ts float8, OUT d float8, OUT state text) AS $$
DECLARE dc float8; sc text; dl float8; sl text;
BEGIN
  SELECT ST_Distance(c.g, $1) / 1852, c.state INTO dc, sc FROM
    (SELECT c.g, c.state FROM coast c WHERE excl IS NULL OR c.state <> excl ORDER BY c.g <-> $1 LIMIT 8) c
    ORDER BY 1 LIMIT 1;
  SELECT ST_Distance(l.g, $1) / 1852 + ts, l.state INTO dl, sl FROM
    (SELECT l.g, l.state FROM lim l WHERE excl IS NULL OR l.state <> excl ORDER BY l.g <-> $1 LIMIT 8) l
    ORDER BY 1 LIMIT 1;
  IF dl IS NOT NULL AND (dc IS NULL OR dl < dc) THEN d := dl; state := sl; ELSE d := dc; state := sc; END IF;
END $$ LANGUAGE plpgsql STABLE;

-- classify returns the state and zone of the point (lon, lat) and its margin: the distance in nm
-- to the nearest limit where the answer could change (polygon edge, 12/24/200 nm line,
-- equidistance line, treaty line).
CREATE OR REPLACE FUNCTION classify(lon float8, lat float8, OUT state text, OUT zone text, OUT margin float8) AS $$
DECLARE
  ts CONSTANT float8 := 12; cz CONSTANT float8 := 24; eez CONSTANT float8 := 200;
  pt0 geometry := ST_SetSRID(ST_MakePoint(lon, lat), 4326);
  gg geography := pt0::geography;
  medge float8; s text; dl float8;
  d1 float8; s1 text; d2 float8; s2 text; downer float8; t record; f float8; a geometry; b geometry; cr float8; td float8;
BEGIN
  SELECT ST_Distance(e.g, gg) / 1852 INTO medge FROM (SELECT e.g FROM edges e ORDER BY e.g <-> gg LIMIT 8) e ORDER BY 1 LIMIT 1;
  medge := coalesce(medge, 'Infinity');
  SELECT l.state INTO s FROM land l WHERE ST_Intersects(l.geom, pt0) LIMIT 1;
  IF s IS NOT NULL THEN state := s; zone := 'land'; margin := medge; RETURN; END IF;
  SELECT h.state INTO s FROM hollow h WHERE ST_Intersects(h.geom, pt0) LIMIT 1;
  IF s IS NOT NULL THEN state := s; zone := 'internal_waters'; margin := medge; RETURN; END IF;
  SELECT m.state INTO s FROM sea m WHERE ST_Intersects(m.geom, pt0) LIMIT 1;
  IF s IS NOT NULL THEN
    SELECT ST_Distance(l.g, gg) / 1852 INTO dl FROM (SELECT l.g FROM lim l WHERE l.state = s ORDER BY l.g <-> gg LIMIT 8) l ORDER BY 1 LIMIT 1;
    state := s;
    zone := CASE WHEN dl > ts THEN 'internal_waters' ELSE 'territorial_sea' END;
    margin := least(medge, abs(dl - ts));
    RETURN;
  END IF;
  SELECT n.d, n.state INTO d1, s1 FROM nearest_base(gg, NULL, ts) n;
  IF d1 IS NULL OR d1 > eez THEN
    state := ''; zone := 'high_seas'; margin := least(medge, coalesce(d1 - eez, 'Infinity')); RETURN;
  END IF;
  SELECT n.d, n.state INTO d2, s2 FROM nearest_base(gg, s1, ts) n;
  state := s1; downer := d1;
  margin := least(medge, abs(d1 - ts), abs(d1 - cz), abs(d1 - eez));
  IF d2 IS NOT NULL AND d2 <= eez THEN
    margin := least(margin, (d2 - d1) / 2); -- equidistance line
    SELECT tr.north, tr.south, tr.geom INTO t FROM treaty tr
      WHERE ((tr.north = s1 AND tr.south = s2) OR (tr.north = s2 AND tr.south = s1))
        AND lon BETWEEN ST_X(ST_StartPoint(tr.geom)) AND ST_X(ST_EndPoint(tr.geom))
      ORDER BY ST_Distance(tr.geom, pt0) LIMIT 1;
    IF FOUND THEN
      f := ST_LineLocatePoint(t.geom, pt0);
      a := ST_LineInterpolatePoint(t.geom, greatest(f - 1e-7, 0));
      b := ST_LineInterpolatePoint(t.geom, least(f + 1e-7, 1));
      cr := (ST_X(b) - ST_X(a)) * (lat - ST_Y(a)) - (ST_Y(b) - ST_Y(a)) * (lon - ST_X(a));
      td := ST_Distance(ST_ClosestPoint(t.geom, pt0)::geography, gg) / 1852;
      margin := least(medge, td, abs(d2 - eez), abs(d1 - eez));
      IF (cr > 0 AND t.north <> s1) OR (cr <= 0 AND t.south <> s1) THEN
        state := s2; downer := d2;
      END IF;
      margin := least(margin, abs(downer - ts), abs(downer - cz), abs(downer - eez));
    END IF;
  END IF;
  zone := CASE WHEN downer <= ts THEN 'territorial_sea' WHEN downer <= cz THEN 'contiguous_zone'
               WHEN downer <= eez THEN 'eez' ELSE 'high_seas' END;
  IF zone = 'high_seas' THEN state := ''; END IF;
END $$ LANGUAGE plpgsql STABLE;

-- The PostGIS reference for the jurisdiction engine, part 2: classify the points pts with id in
-- [:lo, :hi] (psql variables) and write id,state,zone,margin_nm as CSV on standard output. Set-based:
-- one statement per step over all the points of the chunk, no per-point function.
--
-- Rules (the engine's, docs/jurisdiction.md): land; a lake of a land polygon is internal
-- waters; inside a mapped territorial sea: territorial sea, or internal waters when farther
-- than 12 nm from that state's outer limits; elsewhere each state's baseline distance is
-- min(distance to its coastline, distance to its outer limits + 12 nm), the nearest state
-- within 200 nm owns the point (equidistance) unless the US–Mexico treaty line covers the
-- point's longitude and both are the nearest two states: then the side of the line decides;
-- 12/24/200 nm give the zone. Distances are PostGIS geography distances (WGS 84 spheroid).
--
-- margin is the distance in nm to the nearest limit where the answer could change (polygon
-- edge, 12/24/200 nm line, equidistance line, treaty line); polygon edges count only within
-- 1 nm, so margins above 1 nm are reported as at most 1 nm.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET work_mem = '512MB';
SET max_parallel_workers_per_gather = 0;
SET jit = off;

DROP TABLE IF EXISTS c_pip, c_edge, c_pair, c_dist, c_base, c_out;
-- 1. Point in polygon.
CREATE TEMP TABLE c_pip AS
SELECT p.id, p.lon, p.lat, p.geom, p.geog, l.land, l.hollow, s.state AS sea
FROM pts p
LEFT JOIN LATERAL (
  SELECT min(c.state) FILTER (WHERE c.n_all % 2 = 1) AS land,
         min(c.state) FILTER (WHERE c.n_all % 2 = 0 AND c.n_out % 2 = 1) AS hollow
  FROM (SELECT x.state, x.place, count(DISTINCT x.rid) AS n_all, count(DISTINCT x.rid) FILTER (WHERE x.outer) AS n_out
        FROM land_ring x WHERE ST_Intersects(x.geom, p.geom) GROUP BY x.state, x.place) c) l ON true
LEFT JOIN LATERAL (SELECT x.state FROM sea x WHERE l.land IS NULL AND l.hollow IS NULL AND ST_Intersects(x.geom, p.geom) LIMIT 1) s ON true
WHERE p.id BETWEEN :lo AND :hi;
CREATE INDEX ON c_pip USING gist (geom);
ANALYZE c_pip;

-- 2. Distance to the nearest polygon edge within 1 nm (the margin of the polygon tests).
CREATE TEMP TABLE c_edge AS
SELECT p.id, min(ST_Distance(e.g, p.geog)) / 1852 AS d
FROM c_pip p JOIN edges e ON ST_DWithin(e.g, p.geog, 1852)
GROUP BY p.id;

-- 3. Per point off land, per state and kind: the distance to the nearest baseline segment of
-- the groups within reach (groups in the outer loop, so each group's tree is built once).
-- The distances are computed in the join's order (one group after the other) into c_pair and
-- aggregated afterwards: an aggregate over the join itself may sort the pairs by point first,
-- and then every call builds its group's tree anew.
CREATE TEMP TABLE c_pair AS
SELECT p.id, g.state, g.kind, ST_Distance(g.g, p.geog) / 1852 AS d
FROM base_grp g
CROSS JOIN LATERAL (SELECT q.id, q.geog FROM c_pip q WHERE q.geom && g.reach AND q.land IS NULL AND q.hollow IS NULL) p;
CREATE TEMP TABLE c_dist AS SELECT id, state, kind, min(d) AS d FROM c_pair GROUP BY id, state, kind;

-- Per point and state: the baseline distance min(coast, limit + 12) and the limit distance.
CREATE TEMP TABLE c_base AS
SELECT id, state,
       least(min(d) FILTER (WHERE kind = 'coast'), min(d) FILTER (WHERE kind = 'limit') + 12) AS base,
       min(d) FILTER (WHERE kind = 'limit') AS lim
FROM c_dist GROUP BY id, state;
CREATE INDEX ON c_base (id);
ANALYZE c_base;

-- 4. The answer.
CREATE TEMP TABLE c_out AS
WITH ranked AS (
  SELECT p.id, p.lon, p.lat, p.geom, p.geog, p.land, p.hollow, p.sea, coalesce(e.d, 1) AS medge,
         (SELECT b.lim FROM c_base b WHERE b.id = p.id AND b.state = p.sea) AS dl,
         b1.base AS d1, b1.state AS s1, b2.base AS d2, b2.state AS s2
  FROM c_pip p
  LEFT JOIN c_edge e ON e.id = p.id
  LEFT JOIN LATERAL (SELECT b.state, b.base FROM c_base b WHERE b.id = p.id AND b.base IS NOT NULL ORDER BY b.base LIMIT 1) b1 ON true
  LEFT JOIN LATERAL (SELECT b.state, b.base FROM c_base b WHERE b.id = p.id AND b.base IS NOT NULL AND b.state <> b1.state ORDER BY b.base LIMIT 1) b2 ON true
), tr AS (
  -- The treaty line's side, where both nearest states are the treaty's and within 200 nm.
  SELECT r.id, t.north, t.south, t.cr, t.td FROM ranked r
  CROSS JOIN LATERAL (
    SELECT x.north, x.south,
           (ST_X(b) - ST_X(a)) * (r.lat - ST_Y(a)) - (ST_Y(b) - ST_Y(a)) * (r.lon - ST_X(a)) AS cr,
           ST_Distance(ST_ClosestPoint(x.geom, r.geom)::geography, r.geog) / 1852 AS td
    FROM (SELECT x.*, ST_LineLocatePoint(x.geom, r.geom) AS f FROM treaty x
          WHERE ((x.north = r.s1 AND x.south = r.s2) OR (x.north = r.s2 AND x.south = r.s1))
            AND r.lon BETWEEN ST_X(ST_StartPoint(x.geom)) AND ST_X(ST_EndPoint(x.geom))
          ORDER BY ST_Distance(x.geom, r.geom) LIMIT 1) x
    CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(x.geom, greatest(x.f - 1e-7, 0)) AS a,
                               ST_LineInterpolatePoint(x.geom, least(x.f + 1e-7, 1)) AS b) ab
  ) t
  WHERE r.land IS NULL AND r.hollow IS NULL AND r.sea IS NULL AND r.d1 <= 200 AND r.d2 <= 200
), own AS (
  SELECT r.*, t.td,
         CASE WHEN t.id IS NOT NULL AND ((t.cr > 0 AND t.north <> r.s1) OR (t.cr <= 0 AND t.south <> r.s1)) THEN r.s2 ELSE r.s1 END AS owner,
         CASE WHEN t.id IS NOT NULL AND ((t.cr > 0 AND t.north <> r.s1) OR (t.cr <= 0 AND t.south <> r.s1)) THEN r.d2 ELSE r.d1 END AS downer
  FROM ranked r LEFT JOIN tr t ON t.id = r.id
)
SELECT id,
  CASE WHEN land IS NOT NULL THEN land WHEN hollow IS NOT NULL THEN hollow WHEN sea IS NOT NULL THEN sea
       WHEN d1 IS NULL OR d1 > 200 OR downer > 200 THEN '' ELSE owner END AS state,
  CASE WHEN land IS NOT NULL THEN 'land' WHEN hollow IS NOT NULL THEN 'internal_waters'
       WHEN sea IS NOT NULL THEN CASE WHEN dl > 12 THEN 'internal_waters' ELSE 'territorial_sea' END
       WHEN d1 IS NULL OR d1 > 200 THEN 'high_seas'
       WHEN downer <= 12 THEN 'territorial_sea' WHEN downer <= 24 THEN 'contiguous_zone'
       WHEN downer <= 200 THEN 'eez' ELSE 'high_seas' END AS zone,
  CASE WHEN land IS NOT NULL OR hollow IS NOT NULL THEN medge
       WHEN sea IS NOT NULL THEN least(medge, abs(dl - 12))
       WHEN d1 IS NULL OR d1 > 200 THEN least(medge, coalesce(d1 - 200, 'Infinity'))
       WHEN td IS NOT NULL THEN least(medge, td, abs(d2 - 200), abs(d1 - 200), abs(downer - 12), abs(downer - 24), abs(downer - 200))
       ELSE least(medge, abs(d1 - 12), abs(d1 - 24), abs(d1 - 200), CASE WHEN d2 <= 200 THEN (d2 - d1) / 2 END)
  END AS margin
FROM own;

COPY (SELECT id, state, zone, round(margin::numeric, 4) FROM c_out ORDER BY id) TO STDOUT (FORMAT csv);

-- Demo boundaries (GeoJSON polygons, [longitude, latitude]) for the grids and communities, drawn around the grids'
-- centres, so that the console's map has shapes to draw. Real boundaries come from the area tree's administration.
UPDATE area SET boundary = CONCAT('{"type":"Polygon","coordinates":[[[', longitude - 0.0007, ',', latitude - 0.0007,
  '],[', longitude + 0.0007, ',', latitude - 0.0007, '],[', longitude + 0.0007, ',', latitude + 0.0007, '],[',
  longitude - 0.0007, ',', latitude + 0.0007, '],[', longitude - 0.0007, ',', latitude - 0.0007, ']]]}')
 WHERE kind = 'grid' AND latitude IS NOT NULL AND boundary IS NULL AND id < 10000;

UPDATE area c JOIN (
  SELECT SUBSTRING_INDEX(SUBSTRING_INDEX(g.path, '/', 4), '/', -1) AS community_id,
         MIN(g.longitude) - 0.0012 AS w, MAX(g.longitude) + 0.0012 AS e,
         MIN(g.latitude) - 0.0012 AS s, MAX(g.latitude) + 0.0012 AS n
    FROM area g WHERE g.kind = 'grid' AND g.latitude IS NOT NULL AND g.path LIKE '/100/%' AND g.id < 10000
   GROUP BY community_id
) b ON b.community_id = c.id
SET c.boundary = CONCAT('{"type":"Polygon","coordinates":[[[', b.w, ',', b.s, '],[', b.e, ',', b.s, '],[', b.e, ',',
  b.n, '],[', b.w, ',', b.n, '],[', b.w, ',', b.s, ']]]}')
WHERE c.kind = 'community' AND c.boundary IS NULL;

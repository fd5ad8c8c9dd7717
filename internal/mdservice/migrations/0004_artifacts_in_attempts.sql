-- An attempt's artifact index entries move into its row, as one jsonb
-- object (name -> {hash, type, size, encoding}, mdapi.Artifact's form):
-- they are only ever read whole, with their attempt, and a table of their
-- own cost the database a heap row and a six-column index entry for each
-- one, a third of its time on an attempt's end (bench/metadata.sh).
ALTER TABLE attempts ADD COLUMN artifacts jsonb;
UPDATE attempts a SET artifacts = x.entries
FROM (
	SELECT flow, run, step, task, attempt,
		jsonb_object_agg(name, jsonb_build_object('hash', hash, 'type', type, 'size', size)
			|| CASE WHEN encoding = '' THEN '{}'::jsonb ELSE jsonb_build_object('encoding', encoding) END) AS entries
	FROM artifacts GROUP BY flow, run, step, task, attempt) x
WHERE a.flow = x.flow AND a.run = x.run AND a.step = x.step AND a.task = x.task AND a.attempt = x.attempt;
DROP TABLE artifacts;
-- An attempt's row is written at its start and grows at its end: room on
-- its page lets that update stay on the page (a HOT update, no new index
-- entry).
ALTER TABLE attempts SET (fillfactor = 80);

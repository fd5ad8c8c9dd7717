-- The first schema: flows, runs, tasks, attempts, artifact index entries.
-- Every table is keyed by the ids the datastore uses (flow, run, step, task,
-- attempt), so a record here and its files in the datastore name each other.

-- One row per flow; last_run is the last integer run id minted for it (ids
-- are per flow, as a local datastore's are).
CREATE TABLE flows (
	name     text PRIMARY KEY,
	last_run bigint NOT NULL DEFAULT 0,
	created  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE runs (
	-- seq orders listings (newest first) and is their page cursor.
	seq       bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	flow      text NOT NULL REFERENCES flows (name),
	id        text NOT NULL,
	user_name text NOT NULL,
	namespace text NOT NULL,
	tags      text[] NOT NULL DEFAULT '{}',
	sys_tags  text[] NOT NULL DEFAULT '{}',
	all_tags  text[] GENERATED ALWAYS AS (tags || sys_tags) STORED,
	params    jsonb NOT NULL DEFAULT '{}',
	status    text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'killed')),
	started   timestamptz NOT NULL,
	finished  timestamptz,
	origin    text NOT NULL DEFAULT '',
	execution text NOT NULL DEFAULT '',
	graph     jsonb,
	heartbeat timestamptz NOT NULL DEFAULT now(),
	created   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (flow, id)
);
CREATE INDEX runs_flow_seq ON runs (flow, seq DESC);
CREATE INDEX runs_user_seq ON runs (user_name, seq DESC);
CREATE INDEX runs_namespace_seq ON runs (namespace, seq DESC);
CREATE INDEX runs_all_tags ON runs USING gin (all_tags);

CREATE TABLE tasks (
	flow          text NOT NULL,
	run           text NOT NULL,
	step          text NOT NULL,
	task          text NOT NULL,
	foreach_stack jsonb,
	origin        text NOT NULL DEFAULT '',
	winner        integer, -- the attempt that committed successfully
	heartbeat     timestamptz NOT NULL DEFAULT now(),
	created       timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (flow, run, step, task),
	FOREIGN KEY (flow, run) REFERENCES runs (flow, id) ON DELETE CASCADE
);

CREATE TABLE attempts (
	flow        text NOT NULL,
	run         text NOT NULL,
	step        text NOT NULL,
	task        text NOT NULL,
	attempt     integer NOT NULL CHECK (attempt >= 0),
	start       jsonb NOT NULL, -- the AttemptStart as sent, compared on a repeat
	started     timestamptz NOT NULL,
	done        jsonb,          -- the AttemptDone without its artifacts, compared on a repeat
	ok          boolean,
	finished    timestamptz,
	PRIMARY KEY (flow, run, step, task, attempt),
	FOREIGN KEY (flow, run, step, task) REFERENCES tasks (flow, run, step, task) ON DELETE CASCADE
);

CREATE TABLE artifacts (
	flow     text NOT NULL,
	run      text NOT NULL,
	step     text NOT NULL,
	task     text NOT NULL,
	attempt  integer NOT NULL,
	name     text NOT NULL,
	hash     text NOT NULL,
	type     text NOT NULL,
	size     bigint NOT NULL,
	encoding text NOT NULL DEFAULT '',
	PRIMARY KEY (flow, run, step, task, attempt, name),
	FOREIGN KEY (flow, run, step, task, attempt) REFERENCES attempts (flow, run, step, task, attempt) ON DELETE CASCADE
);

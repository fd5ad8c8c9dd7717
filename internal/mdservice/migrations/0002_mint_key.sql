-- The Idempotency-Key a client sent when it minted the run: a mint whose
-- answer was lost is sent again with the same key and gets the same run,
-- not a second one.
ALTER TABLE runs ADD COLUMN mint_key text;
CREATE UNIQUE INDEX runs_mint_key ON runs (flow, mint_key) WHERE mint_key IS NOT NULL;

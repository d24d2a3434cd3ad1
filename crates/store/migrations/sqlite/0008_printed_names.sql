-- Names and units as the documents print them (issue 15): an indicator's other printed names and
-- unit spellings (`;`-separated, as departments.aliases), and a target's printed name and unit where
-- its source does not use the catalogue's words (empty otherwise).
-- Identical in migrations/sqlite and migrations/postgres.

ALTER TABLE indicators ADD COLUMN aliases TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN unit_aliases TEXT NOT NULL DEFAULT '';
ALTER TABLE targets ADD COLUMN printed_name TEXT NOT NULL DEFAULT '';
ALTER TABLE targets ADD COLUMN printed_unit TEXT NOT NULL DEFAULT '';

-- Figures the documents print for China, the world or another area (data/references.csv, issue 15):
-- the national averages that 超全国平均水平 targets are read against, and the market data the plans
-- cite. Not observations: no region of the catalogue is theirs. `indicator_code` is empty where
-- the concept is not in the catalogue (checked when the dataset is read, so no foreign key).
-- Identical in migrations/sqlite and migrations/postgres but for the id column.

CREATE TABLE reference_figures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference TEXT NOT NULL CHECK (reference IN ('national_average', 'national', 'global', 'area')),
    scope_zh TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    unit TEXT NOT NULL,
    period TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('', '>', '>=', '<', '<=', '~')),
    value DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('final', 'provisional', 'forecast')),
    source_doc TEXT NOT NULL,
    source_quote TEXT NOT NULL
);

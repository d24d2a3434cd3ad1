-- Foundation schema: reference data, observations with revision history, plans, targets, tasks,
-- projects. Kept column-for-column identical to migrations/postgres/0001_foundation.sql except for
-- the id columns; booleans are 0/1 integers and timestamps RFC 3339 text in both, so one set of
-- queries serves both databases.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'zone')),
    parent_code TEXT REFERENCES regions (code),
    position BIGINT NOT NULL
);

CREATE TABLE departments (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    kind TEXT NOT NULL,
    aliases TEXT NOT NULL,
    source_doc TEXT NOT NULL,
    source_quote TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE indicators (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    unit TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('year', 'quarter', 'month')),
    accumulation TEXT NOT NULL CHECK (accumulation IN ('period', 'ytd')),
    polarity TEXT NOT NULL CHECK (polarity IN ('positive', 'negative')),
    aggregation TEXT NOT NULL CHECK (aggregation IN ('sum', 'mean', 'none')),
    category TEXT NOT NULL,
    definition TEXT NOT NULL,
    source_department TEXT NOT NULL,
    formula TEXT,
    position BIGINT NOT NULL
);

CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('provisional', 'final')),
    source_doc TEXT NOT NULL,
    source_quote TEXT NOT NULL,
    synthetic BIGINT NOT NULL CHECK (synthetic IN (0, 1)),
    updated_at TEXT NOT NULL,
    UNIQUE (region_code, indicator_code, period)
);
CREATE INDEX observations_by_indicator ON observations (indicator_code, period);

-- One row per change of an observation; old_* NULL = created, new_* NULL = deleted.
CREATE TABLE observation_revisions (
    id INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    period TEXT NOT NULL,
    old_value DOUBLE PRECISION,
    new_value DOUBLE PRECISION,
    old_status TEXT,
    new_status TEXT,
    old_source_doc TEXT,
    new_source_doc TEXT,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX observation_revisions_by_key ON observation_revisions (region_code, indicator_code, period);

CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('five_year', 'annual', 'work_points')),
    region_code TEXT NOT NULL REFERENCES regions (code),
    issuer TEXT NOT NULL,
    issued TEXT NOT NULL,
    start_year BIGINT NOT NULL,
    end_year BIGINT NOT NULL,
    source_doc TEXT NOT NULL
);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    base_year BIGINT,
    base_text TEXT NOT NULL,
    base_value DOUBLE PRECISION,
    target_year BIGINT NOT NULL,
    target_text TEXT NOT NULL,
    attribute TEXT CHECK (attribute IN ('预期性', '约束性')),
    stated_growth_text TEXT NOT NULL,
    lead_units TEXT NOT NULL,
    lead_units_text TEXT NOT NULL,
    source_doc TEXT NOT NULL,
    source_quote TEXT NOT NULL,
    UNIQUE (plan_id, region_code, indicator_code, target_year)
);

CREATE TABLE constraints (
    id INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    period TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('>', '>=', '<', '<=', 'rank')),
    value DOUBLE PRECISION NOT NULL,
    source_doc TEXT NOT NULL,
    source_quote TEXT NOT NULL
);

CREATE TABLE tasks (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    number BIGINT NOT NULL,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    lead_units_text TEXT NOT NULL,
    coop_units_text TEXT NOT NULL,
    source_doc TEXT NOT NULL,
    PRIMARY KEY (plan_id, number)
);

CREATE TABLE projects (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    number BIGINT NOT NULL,
    category TEXT NOT NULL,
    domain TEXT NOT NULL,
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    goal_text TEXT NOT NULL,
    lead_units_text TEXT NOT NULL,
    coop_units_text TEXT NOT NULL,
    source_doc TEXT NOT NULL,
    PRIMARY KEY (plan_id, number)
);

CREATE TABLE project_milestones (
    plan_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    year BIGINT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (plan_id, number, year),
    FOREIGN KEY (plan_id, number) REFERENCES projects (plan_id, number)
);

-- Lead and co-operating units of tasks and projects, in document order (the first lead unit is
-- the one answerable for the ledger).
CREATE TABLE work_units (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    item_kind TEXT NOT NULL CHECK (item_kind IN ('task', 'project')),
    number BIGINT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('lead', 'coop')),
    position BIGINT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments (code),
    PRIMARY KEY (plan_id, item_kind, number, role, position)
);
CREATE INDEX work_units_by_department ON work_units (department_code);

-- Task ledger and key-project scheduling: progress reports of tasks and engineering projects
-- (with measured goal values, evidence and co-operating units' parts), the yearly key-project
-- registry with monthly investment reports, and problems needing coordination. Every row says who
-- recorded it and when, and whether it is synthetic. Identical to migrations/sqlite/0003_ledger.sql:
-- every table has a natural key, so there are no identity columns.

-- A lead unit's report on a task or project (item_kind as in work_units) for a month or quarter.
CREATE TABLE ledger_reports (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    item_kind TEXT NOT NULL CHECK (item_kind IN ('task', 'project')),
    number BIGINT NOT NULL,
    period TEXT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments (code),
    status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'completed', 'behind')),
    percent DOUBLE PRECISION CHECK (percent >= 0 AND percent <= 100),
    narrative TEXT NOT NULL,
    -- Ids of the milestones reached (`M2023`), `;`-separated.
    milestones_reached TEXT NOT NULL,
    synthetic BIGINT NOT NULL CHECK (synthetic IN (0, 1)),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, item_kind, number, period)
);

-- The measured value of a goal (`G1`, `M2023-G1`) in a report, in the goal's unit.
CREATE TABLE ledger_report_values (
    plan_id TEXT NOT NULL,
    item_kind TEXT NOT NULL,
    number BIGINT NOT NULL,
    period TEXT NOT NULL,
    goal_id TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (plan_id, item_kind, number, period, goal_id),
    FOREIGN KEY (plan_id, item_kind, number, period) REFERENCES ledger_reports (plan_id, item_kind, number, period)
);

CREATE TABLE ledger_report_evidence (
    plan_id TEXT NOT NULL,
    item_kind TEXT NOT NULL,
    number BIGINT NOT NULL,
    period TEXT NOT NULL,
    position BIGINT NOT NULL,
    reference TEXT NOT NULL,
    PRIMARY KEY (plan_id, item_kind, number, period, position),
    FOREIGN KEY (plan_id, item_kind, number, period) REFERENCES ledger_reports (plan_id, item_kind, number, period)
);

-- A co-operating unit's part of a report; kept when the lead unit re-files the report.
CREATE TABLE ledger_contributions (
    plan_id TEXT NOT NULL,
    item_kind TEXT NOT NULL,
    number BIGINT NOT NULL,
    period TEXT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments (code),
    narrative TEXT NOT NULL,
    synthetic BIGINT NOT NULL CHECK (synthetic IN (0, 1)),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, item_kind, number, period, department_code),
    FOREIGN KEY (plan_id, item_kind, number, period) REFERENCES ledger_reports (plan_id, item_kind, number, period)
);

-- A year's key projects (重点项目). Amounts in 万元.
CREATE TABLE key_projects (
    year BIGINT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    industry TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('industry', 'new_infra')),
    total_investment DOUBLE PRECISION NOT NULL CHECK (total_investment >= 0),
    planned_investment DOUBLE PRECISION NOT NULL CHECK (planned_investment >= 0),
    start_period TEXT NOT NULL,
    end_period TEXT NOT NULL,
    lead_unit TEXT NOT NULL REFERENCES departments (code),
    status TEXT NOT NULL CHECK (status IN ('planned', 'under_construction', 'completed', 'suspended')),
    synthetic BIGINT NOT NULL CHECK (synthetic IN (0, 1)),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (year, code)
);
CREATE INDEX key_projects_by_region ON key_projects (region_code);

-- A key project's monthly investment report (月度调度). Amounts in 万元.
CREATE TABLE key_project_reports (
    year BIGINT NOT NULL,
    code TEXT NOT NULL,
    month BIGINT NOT NULL CHECK (month BETWEEN 1 AND 12),
    month_investment DOUBLE PRECISION NOT NULL CHECK (month_investment >= 0),
    ytd_investment DOUBLE PRECISION NOT NULL CHECK (ytd_investment >= 0),
    progress TEXT NOT NULL,
    synthetic BIGINT NOT NULL CHECK (synthetic IN (0, 1)),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (year, code, month),
    FOREIGN KEY (year, code) REFERENCES key_projects (year, code)
);

-- Problems needing coordination. `subject` is `task:PLAN:N`, `project:PLAN:N` or
-- `key_project:YEAR:CODE`; `seq` numbers the problems of a subject raised in the same period.
CREATE TABLE ledger_problems (
    subject TEXT NOT NULL,
    raised_period TEXT NOT NULL,
    seq BIGINT NOT NULL CHECK (seq >= 1),
    department_code TEXT REFERENCES departments (code),
    text TEXT NOT NULL,
    resolved_period TEXT,
    resolution TEXT NOT NULL,
    synthetic BIGINT NOT NULL CHECK (synthetic IN (0, 1)),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (subject, raised_period, seq)
);

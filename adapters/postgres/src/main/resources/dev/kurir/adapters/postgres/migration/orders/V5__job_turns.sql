-- Periodic jobs (retention, the saga deadline) are shared by the processes running this module: per
-- interval, the first process to take a job's turn runs it (JdbiJobTurns).
CREATE TABLE orders.job_turns (
    job      text PRIMARY KEY,
    taken_at timestamptz NOT NULL,
    taken_by text NOT NULL,
    turns    bigint NOT NULL
);

-- When a worker last dropped a job (a TTL expiry or a FAULTED submit). `aborted_jobs` now
-- counts the jobs dropped since the count last started over: it starts over when more than an
-- hour passed since the previous drop, and when the worker is put in maintenance for dropping
-- more than 20 (the AI Horde's `log_aborted_job`).
ALTER TABLE workers ADD COLUMN last_aborted_job timestamptz(3);

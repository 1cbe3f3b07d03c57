-- Suspicion, as the AI Horde keeps it: one row per reason raised, and an account (or a worker)
-- is suspicious once it has 5 rows (an account only while it is not trusted). Rows, not a
-- counter, so a moderator can see why and reset it, and so the same reason can count twice.
CREATE TABLE user_suspicions (
  id bigserial PRIMARY KEY,
  user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  reason text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX user_suspicions_user_idx ON user_suspicions (user_id);

CREATE TABLE worker_suspicions (
  id bigserial PRIMARY KEY,
  worker_id uuid NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
  reason text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX worker_suspicions_worker_idx ON worker_suspicions (worker_id);

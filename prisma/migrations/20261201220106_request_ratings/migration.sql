-- A requester's rating of a whole request (reference §3.11, the AI Horde's POST /generate/rate):
-- the best image of the batch and/or scores for some of its images, once per request. The
-- scores go to `ratings` like any other (reward 0 there); this row holds the best pick and the
-- whole reward, which the per-request and per-rater caps count together with `ratings`.
CREATE TABLE request_ratings (
  request_id uuid PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
  user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  best_job_id uuid REFERENCES jobs(id) ON DELETE SET NULL,
  reward numeric(20, 2) NOT NULL DEFAULT 0 CHECK (reward >= 0),
  status text NOT NULL DEFAULT 'counted',
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX request_ratings_user_idx ON request_ratings (user_id, created_at);

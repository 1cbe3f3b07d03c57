-- Sharing, retention and ratings (issue 11, the "ratings" slice).

-- When a request ended: its last job settled, or it was cancelled, faulted or expired with
-- nothing left in a worker's hands. Stamped by the retention sweep (src/modules/retention) from
-- updated_at, which every statement that ends a request sets; the window (RETENTION_SECONDS)
-- counts from it. purged_at: when the sweep blanked the request's prompt, parameters and images.
-- The row itself stays as a tombstone (ids, requester, models, size, kudos), so the ledger's
-- request_id and the statistics that join jobs to requests stay valid.
ALTER TABLE requests
  ADD COLUMN ended_at timestamptz(3),
  ADD COLUMN purged_at timestamptz(3);
-- The sweep's two scans: requests not yet seen ended, and ended ones not yet purged.
CREATE INDEX requests_unended_idx ON requests (updated_at) WHERE ended_at IS NULL;
CREATE INDEX requests_unpurged_idx ON requests (ended_at) WHERE ended_at IS NOT NULL AND purged_at IS NULL;

-- The ratings dataset: shared generations copied out of their request when it ends, kept past
-- retention (prompt, parameters, model and the image, whose blob the dataset now owns).
-- requester_id is internal (own images are not offered for rating; per-requester caps); the
-- export never shows it.
CREATE TABLE dataset_images (
  job_id       uuid PRIMARY KEY REFERENCES jobs(id),
  request_id   uuid NOT NULL,
  requester_id integer NOT NULL,
  prompt       text NOT NULL,
  params       jsonb NOT NULL,
  model        text,
  image_key    text NOT NULL,
  width        integer NOT NULL,
  height       integer NOT NULL,
  nsfw         boolean NOT NULL,
  -- counted ratings so far, so imagesToRate offers the least-rated images first
  ratings      integer NOT NULL DEFAULT 0,
  created_at   timestamptz(3) NOT NULL
);
CREATE INDEX dataset_images_to_rate_idx ON dataset_images (ratings, created_at);

-- A rating now says what it earned and whether it counts: 'counted', or why it was discarded
-- ('too_fast', 'inconsistent'; those earn nothing and stay out of consensus and the export).
-- request_id and requester_id carry the caps (per request; per rater and requester a day).
ALTER TABLE ratings
  ADD COLUMN request_id uuid,
  ADD COLUMN requester_id integer,
  ADD COLUMN reward numeric(20,2) NOT NULL DEFAULT 0,
  ADD COLUMN status text NOT NULL DEFAULT 'counted',
  ADD CONSTRAINT ratings_rating_range CHECK (rating BETWEEN 1 AND 10),
  ADD CONSTRAINT ratings_artifacts_range CHECK (artifacts IS NULL OR artifacts BETWEEN 0 AND 5),
  ADD CONSTRAINT ratings_reward_range CHECK (reward >= 0),
  ADD CONSTRAINT ratings_status_known CHECK (status IN ('counted', 'too_fast', 'inconsistent')),
  ADD CONSTRAINT ratings_job_fkey FOREIGN KEY (job_id) REFERENCES jobs(id),
  ADD CONSTRAINT ratings_user_fkey FOREIGN KEY (user_id) REFERENCES users(id);
CREATE INDEX ratings_user_idx ON ratings (user_id, created_at);
CREATE INDEX ratings_request_idx ON ratings (request_id);
CREATE INDEX ratings_job_idx ON ratings (job_id) WHERE status = 'counted';

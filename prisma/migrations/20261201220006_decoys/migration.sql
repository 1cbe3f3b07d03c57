-- Decoy jobs for paused workers (reference §3.3 step 8). A paused worker is not refused: it is
-- handed a fake job built from a real waiting request it could otherwise have served, so it
-- cannot tell it was paused. The real job stays in the queue; the decoy's submit answers a
-- normal-looking reward and settles nothing (no ledger row, no statistic, no image kept).

-- The AI Horde's wp_tricked_workers: a worker is never handed a decoy of the same request twice.
CREATE TABLE tricked_workers (
  worker_id uuid NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
  request_id uuid NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (worker_id, request_id)
);

-- One decoy handed out: what its submit needs, and nothing of the request itself (no prompt, no
-- parameters: the worker saw those at pop time, as it would have for a real job).
CREATE TABLE decoy_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  worker_id uuid NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
  -- the reward the submit answers: what the real job would have paid
  reward numeric(12, 2) NOT NULL CHECK (reward >= 0),
  deadline timestamptz(3) NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  submitted_at timestamptz(3)
);
CREATE INDEX decoy_jobs_created_idx ON decoy_jobs (created_at);

-- A worker as it would be were it not paused: what claim_eligible is asked about for a decoy,
-- so a decoy is only ever a request this worker could have been handed for real (nothing a
-- normal job would not show it: no NSFW for a SFW worker, no trusted-only request, ...).
CREATE FUNCTION unpaused(w workers) RETURNS workers LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  w.paused := false;
  RETURN w;
END
$$;

-- The workers a job was taken back from when its TTL ran out, oldest first. A re-queued job is
-- often claimed again at once by another worker; without this, the late submit of the worker
-- that lost it could not be told apart from a stranger's and was answered WrongCredentials
-- instead of AbortedGen.
ALTER TABLE jobs ADD COLUMN released_from uuid[] NOT NULL DEFAULT '{}';

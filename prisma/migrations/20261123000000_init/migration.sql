-- The core model. Kept in step with prisma/schema.prisma (test/integration/schema.test.ts checks it).

CREATE TYPE worker_kind AS ENUM ('image', 'text', 'alchemy');
CREATE TYPE job_state AS ENUM ('waiting', 'processing', 'ok', 'censored', 'faulted', 'csam', 'cancelled');
CREATE TYPE ledger_kind AS ENUM (
  'generation_reward', 'request_charge', 'horde_tax', 'uptime_reward', 'transfer_in',
  'transfer_out', 'rating_reward', 'moderator_award', 'floor_adjustment'
);

CREATE TABLE users (
  id               serial PRIMARY KEY,
  username         text NOT NULL,
  api_key_hash     text NOT NULL UNIQUE,
  kudos            numeric(20,2) NOT NULL DEFAULT 0,
  evaluating_kudos numeric(20,2) NOT NULL DEFAULT 0,
  concurrency      integer NOT NULL DEFAULT 30,
  trusted          boolean NOT NULL DEFAULT false,
  moderator        boolean NOT NULL DEFAULT false,
  flagged          boolean NOT NULL DEFAULT false,
  worker_invited   integer NOT NULL DEFAULT 0,
  public_workers   boolean NOT NULL DEFAULT false,
  contact          text,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  last_active_at   timestamptz(3) NOT NULL DEFAULT now()
);
-- Usernames are unique regardless of case, as a display name shown as name#id.
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));

-- Anonymous: id 0, key 0000000000 (stored as its SHA-256 like every other key).
INSERT INTO users (id, username, api_key_hash, concurrency)
VALUES (0, 'Anonymous', encode(sha256('0000000000'::bytea), 'hex'), 500);

CREATE TABLE teams (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL UNIQUE,
  info       text,
  owner_id   integer NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE workers (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind                  worker_kind NOT NULL,
  user_id               integer NOT NULL REFERENCES users(id),
  name                  text NOT NULL UNIQUE,
  info                  text,
  team_id               uuid REFERENCES teams(id),
  models                text[] NOT NULL DEFAULT '{}',
  blacklist             text[] NOT NULL DEFAULT '{}',
  -- the blacklist as one case-insensitive regular expression (words escaped), so eligibility
  -- needs no subquery and image_eligible() stays inlinable
  blacklist_pattern     text,
  nsfw                  boolean NOT NULL DEFAULT false,
  max_pixels            integer NOT NULL DEFAULT 262144,
  allow_img2img         boolean NOT NULL DEFAULT true,
  allow_painting        boolean NOT NULL DEFAULT true,
  allow_post_processing boolean NOT NULL DEFAULT true,
  allow_controlnet      boolean NOT NULL DEFAULT false,
  allow_lora            boolean NOT NULL DEFAULT false,
  extra_slow            boolean NOT NULL DEFAULT false,
  threads               integer NOT NULL DEFAULT 1,
  bridge_agent          text NOT NULL DEFAULT 'unknown:0:unknown',
  paused                boolean NOT NULL DEFAULT false,
  maintenance           boolean NOT NULL DEFAULT false,
  maintenance_msg       text,
  speed                 double precision NOT NULL DEFAULT 1000000,
  uptime                integer NOT NULL DEFAULT 0,
  last_reward_uptime    integer NOT NULL DEFAULT 0,
  kudos                 numeric(20,2) NOT NULL DEFAULT 0,
  megapixelsteps        double precision NOT NULL DEFAULT 0,
  fulfilments           integer NOT NULL DEFAULT 0,
  aborted_jobs          integer NOT NULL DEFAULT 0,
  uncompleted_jobs      integer NOT NULL DEFAULT 0,
  ipaddr                text,
  last_check_in         timestamptz(3) NOT NULL DEFAULT now(),
  created_at            timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX workers_user_id_idx ON workers (user_id);

CREATE TABLE shared_keys (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          integer NOT NULL REFERENCES users(id),
  key_hash         text NOT NULL UNIQUE,
  name             text NOT NULL,
  kudos            numeric(20,2) NOT NULL DEFAULT 5000,
  utilized         numeric(20,2) NOT NULL DEFAULT 0,
  expires_at       timestamptz(3),
  max_image_pixels integer NOT NULL DEFAULT -1,
  max_image_steps  integer NOT NULL DEFAULT -1,
  max_text_tokens  integer NOT NULL DEFAULT -1,
  created_at       timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX shared_keys_user_id_idx ON shared_keys (user_id);

CREATE TABLE requests (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind                  worker_kind NOT NULL,
  user_id               integer NOT NULL REFERENCES users(id),
  shared_key_id         uuid REFERENCES shared_keys(id),
  prompt                text NOT NULL,
  params                jsonb NOT NULL,
  models                text[] NOT NULL DEFAULT '{}',
  n                     integer NOT NULL,
  width                 integer NOT NULL DEFAULT 0,
  height                integer NOT NULL DEFAULT 0,
  steps                 integer NOT NULL DEFAULT 0,
  nsfw                  boolean NOT NULL DEFAULT false,
  trusted_workers       boolean NOT NULL DEFAULT false,
  slow_workers          boolean NOT NULL DEFAULT true,
  worker_ids            uuid[] NOT NULL DEFAULT '{}',
  worker_blacklist      boolean NOT NULL DEFAULT false,
  source_image_key      text,
  source_mask_key       text,
  source_processing     text,
  needs_img2img         boolean NOT NULL DEFAULT false,
  needs_painting        boolean NOT NULL DEFAULT false,
  needs_post_processing boolean NOT NULL DEFAULT false,
  needs_controlnet      boolean NOT NULL DEFAULT false,
  needs_lora            boolean NOT NULL DEFAULT false,
  job_ttl               integer NOT NULL DEFAULT 150,
  shared                boolean NOT NULL DEFAULT false,
  job_kudos             numeric(20,2) NOT NULL,
  consumed_kudos        numeric(20,2) NOT NULL DEFAULT 0,
  priority              numeric(20,2) NOT NULL,
  faulted               boolean NOT NULL DEFAULT false,
  cancelled             boolean NOT NULL DEFAULT false,
  expired               boolean NOT NULL DEFAULT false,
  expires_at            timestamptz(3) NOT NULL,
  created_at            timestamptz(3) NOT NULL DEFAULT now(),
  updated_at            timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX requests_user_id_idx ON requests (user_id);
-- Live requests only: the claim, concurrency count and expiry sweep read these.
CREATE INDEX requests_live_idx ON requests (kind, expires_at)
  WHERE NOT faulted AND NOT cancelled AND NOT expired;

CREATE TABLE jobs (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id   uuid NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
  idx          integer NOT NULL,
  state        job_state NOT NULL DEFAULT 'waiting',
  worker_id    uuid REFERENCES workers(id),
  model        text,
  seed         text,
  ttl          integer NOT NULL DEFAULT 0,
  claimed_at   timestamptz(3),
  deadline     timestamptz(3),
  submitted_at timestamptz(3),
  restarts     integer NOT NULL DEFAULT 0,
  image_key    text,
  kudos        numeric(20,2),
  reward       numeric(20,2),
  pixels       integer,
  steps        integer,
  seconds      double precision,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (request_id, idx)
);
CREATE INDEX jobs_worker_id_idx ON jobs (worker_id);
-- The queue: waiting jobs only, so the claim scans what can be claimed and nothing else.
CREATE INDEX jobs_waiting_idx ON jobs (request_id, idx) WHERE state = 'waiting';
-- The TTL sweep: processing jobs by deadline.
CREATE INDEX jobs_processing_deadline_idx ON jobs (deadline) WHERE state = 'processing';

CREATE TABLE kudos_ledger (
  id             bigserial PRIMARY KEY,
  user_id        integer NOT NULL REFERENCES users(id),
  kind           ledger_kind NOT NULL,
  amount         numeric(20,2) NOT NULL,
  counterpart_id integer,
  request_id     uuid,
  job_id         uuid,
  transfer_id    uuid,
  shared_key_id  uuid,
  worker_id      uuid,
  created_at     timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX kudos_ledger_user_id_id_idx ON kudos_ledger (user_id, id);

CREATE TABLE kudos_transfers (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source_id       integer NOT NULL REFERENCES users(id),
  dest_id         integer NOT NULL REFERENCES users(id),
  amount          numeric(20,2) NOT NULL,
  idempotency_key text NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (source_id, idempotency_key)
);

CREATE TABLE ratings (
  id         bigserial PRIMARY KEY,
  job_id     uuid NOT NULL,
  user_id    integer NOT NULL,
  rating     integer NOT NULL,
  artifacts  integer,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (job_id, user_id)
);

CREATE TABLE known_models (
  name        text PRIMARY KEY,
  kind        worker_kind NOT NULL,
  baseline    text NOT NULL,
  nsfw        boolean NOT NULL DEFAULT false,
  inpainting  boolean NOT NULL DEFAULT false,
  description text NOT NULL DEFAULT '',
  info        jsonb NOT NULL DEFAULT '{}'
);

-- Whether worker w may take a job of request r. The one definition of image eligibility: the
-- claim (jobs.sql.ts) and isPossible (requests.sql.ts) both call it, and Postgres inlines it
-- into each plan (it must stay a single expression without subqueries for that). `owner_trusted`
-- is the worker owner's trust, which lives on users.
CREATE FUNCTION image_eligible(r requests, w workers, owner_trusted boolean)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT r.width * r.height <= w.max_pixels
    AND (cardinality(r.models) = 0 OR r.models && w.models)
    AND (NOT r.nsfw OR w.nsfw)
    AND (NOT r.trusted_workers OR owner_trusted)
    AND (r.slow_workers OR w.speed >= 500000)
    AND (NOT r.needs_img2img OR w.allow_img2img)
    AND (NOT r.needs_painting OR w.allow_painting)
    AND (NOT r.needs_post_processing OR w.allow_post_processing)
    AND (NOT r.needs_controlnet OR w.allow_controlnet)
    AND (NOT r.needs_lora OR w.allow_lora)
    AND (cardinality(r.worker_ids) = 0 OR ((w.id = ANY (r.worker_ids)) <> r.worker_blacklist))
    AND (NOT w.maintenance OR r.user_id = w.user_id)
    AND NOT w.paused
    AND (w.blacklist_pattern IS NULL OR r.prompt !~* w.blacklist_pattern)
$$;

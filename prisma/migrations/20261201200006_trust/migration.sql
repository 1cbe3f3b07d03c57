-- Trust, roles, worker management, moderation (issue 11, the "trust" slice).

-- New ledger kinds. Their sign rule is in the next migration: a value added to an enum cannot be
-- used in the transaction that adds it.
--   surcharge_burn  (−) what a requester pays above a job's price for excluding slow workers (×1.2)
--                       or blacklisting workers (×1.1): burned, the worker earns the base price
--   escrow_hold     (−) the half of an untrusted owner's generation reward parked in evaluating_kudos
--   escrow_release  (+) the escrow paid out to the spendable balance when the owner becomes trusted
ALTER TYPE ledger_kind ADD VALUE IF NOT EXISTS 'surcharge_burn';
ALTER TYPE ledger_kind ADD VALUE IF NOT EXISTS 'escrow_hold';
ALTER TYPE ledger_kind ADD VALUE IF NOT EXISTS 'escrow_release';

ALTER TABLE users ADD COLUMN customizer boolean NOT NULL DEFAULT false;

-- Why a worker is paused: 'moderator' (set by one) or 'suspicion' (automatic); null when it is not.
ALTER TABLE workers ADD COLUMN paused_reason text;

-- Every role change a moderator makes: who, whose, which role, old → new, when. Append-only.
CREATE TABLE role_changes (
  id           bigserial PRIMARY KEY,
  moderator_id integer REFERENCES users(id), -- null: the automatic trust rule
  user_id      integer NOT NULL REFERENCES users(id),
  role         text NOT NULL,
  old_value    text NOT NULL,
  new_value    text NOT NULL,
  created_at   timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX role_changes_user_idx ON role_changes (user_id, id);

-- Messages to a worker's owner (AI Horde worker_messages). worker_id null = to every owner.
CREATE TABLE worker_messages (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  worker_id  uuid REFERENCES workers(id) ON DELETE CASCADE,
  author_id  integer NOT NULL REFERENCES users(id),
  message    text NOT NULL,
  origin     text NOT NULL,
  expires_at timestamptz(3) NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX worker_messages_worker_idx ON worker_messages (worker_id, created_at);

-- Team names are unique case-insensitively (AI Horde POST /teams).
CREATE UNIQUE INDEX teams_name_lower_key ON teams (lower(name));
CREATE INDEX workers_team_idx ON workers (team_id) WHERE team_id IS NOT NULL;
-- A deleted team leaves its workers without a team.
ALTER TABLE workers DROP CONSTRAINT IF EXISTS workers_team_id_fkey;
ALTER TABLE workers ADD CONSTRAINT workers_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams(id) ON DELETE SET NULL;

-- Prompt filters, kept by moderators, applied at admission: block refuses the request, replace
-- rewrites the matching text with `replacement`.
CREATE TABLE prompt_filters (
  id          bigserial PRIMARY KEY,
  regex       text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('block', 'replace')),
  replacement text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  created_by  integer NOT NULL REFERENCES users(id),
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (regex, kind)
);

-- IP timeouts (expires_at set) and blocks (expires_at null) for single addresses or networks.
CREATE TABLE ip_blocks (
  id         bigserial PRIMARY KEY,
  network    inet NOT NULL UNIQUE,
  expires_at timestamptz(3),
  reason     text NOT NULL DEFAULT '',
  -- automatic timeouts for corrupt prompts so far (the next lasts (2 × strikes + 1) × 3 minutes)
  strikes    integer NOT NULL DEFAULT 0,
  created_by integer REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

-- The horde's modes, one row. The statistics work creates the same table (hordeStatus reads it);
-- whichever migration runs first creates it.
CREATE TABLE IF NOT EXISTS horde_settings (
  id          integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  maintenance boolean NOT NULL DEFAULT false,
  invite_only boolean NOT NULL DEFAULT false,
  raid        boolean NOT NULL DEFAULT false
);
INSERT INTO horde_settings (id) VALUES (1) ON CONFLICT DO NOTHING;

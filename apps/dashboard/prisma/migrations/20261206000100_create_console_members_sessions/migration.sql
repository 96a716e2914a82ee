CREATE TABLE "installation" (
  "id" INTEGER NOT NULL PRIMARY KEY CHECK ("id" = 1),
  "environment_id" TEXT NOT NULL,
  "client_id" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

CREATE TABLE "members" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "email" TEXT NOT NULL,
  "role" TEXT NOT NULL CHECK ("role" IN ('owner', 'admin', 'read_only')),
  "user_id" TEXT,
  "invited_by" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "members_email_key" ON "members" ("email");
CREATE UNIQUE INDEX "members_user_id_key" ON "members" ("user_id");

CREATE TABLE "sessions" (
  "token_hash" TEXT NOT NULL PRIMARY KEY,
  "member_id" TEXT NOT NULL REFERENCES "members" ("id") ON DELETE CASCADE,
  "csrf_token" TEXT NOT NULL,
  "expires_at" TIMESTAMPTZ(3) NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "sessions_member_id_idx" ON "sessions" ("member_id");

CREATE TABLE "sign_in_requests" (
  "state_hash" TEXT NOT NULL PRIMARY KEY,
  "code_verifier" TEXT NOT NULL,
  "expires_at" TIMESTAMPTZ(3) NOT NULL
);

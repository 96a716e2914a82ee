-- The current SCIM bearer token's ID and last 4 characters, carried by dsync.token.* events.
-- Tokens issued before this migration have neither (their events omit them).
ALTER TABLE "directories" ADD COLUMN "token_id" TEXT;
ALTER TABLE "directories" ADD COLUMN "token_suffix" TEXT;

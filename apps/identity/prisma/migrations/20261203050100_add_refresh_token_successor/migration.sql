-- The successor of a spent refresh token, sealed under a key derived from the spent token (reuse grace window).
ALTER TABLE "refresh_tokens" ADD COLUMN "successor_sealed" TEXT;

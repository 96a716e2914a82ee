-- The writes a portal session has made: a replica's kept reads of the session hold for one count
-- only (PortalSessionCache), so a write through any replica retires every replica's reads.
ALTER TABLE "portal_sessions" ADD COLUMN "writes" INTEGER NOT NULL DEFAULT 0;

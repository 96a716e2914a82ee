-- The radar attempt of the sign-in a pending step belongs to, carried from step to step so that
-- the organization a user picks at organization selection is judged by radar as a continuation
-- of that attempt (radar/radar-challenge.service.ts). Null where radar did not assess the sign-in.
ALTER TABLE "pending_authentications" ADD COLUMN "radar_attempt_id" TEXT;

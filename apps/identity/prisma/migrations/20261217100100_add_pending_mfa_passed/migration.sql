-- A radar challenge raised when a user picks an organization comes after the sign-in's MFA step:
-- the step records that MFA passed, so the code's grant finishes the sign-in without asking again.
ALTER TABLE "pending_authentications" ADD COLUMN "mfa_passed" BOOLEAN NOT NULL DEFAULT false;

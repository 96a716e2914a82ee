-- Per-environment email settings (src/authkit/branding, src/mail/email-sender.ts): the sender of
-- every email the environment's flows send, and whether the platform sends the AuthKit emails at
-- all ("own_provider": the app sends them from the *.created events).
ALTER TABLE "authkit_settings"
  ADD COLUMN "email_from_name" TEXT,
  ADD COLUMN "email_from_address" TEXT,
  ADD COLUMN "email_reply_to" TEXT,
  ADD COLUMN "email_delivery" TEXT NOT NULL DEFAULT 'platform',
  ADD CONSTRAINT "authkit_settings_email_delivery_check" CHECK ("email_delivery" IN ('platform', 'own_provider'));

-- Email change (src/email-change): its code is a one-time secret bound to the new address, mailed there.
ALTER TABLE "one_time_secrets" DROP CONSTRAINT "one_time_secrets_kind_check";
ALTER TABLE "one_time_secrets" ADD CONSTRAINT "one_time_secrets_kind_check" CHECK ("kind" IN ('email_verification', 'magic_auth', 'password_reset', 'radar_challenge', 'email_change'));
ALTER TABLE "email_deliveries" DROP CONSTRAINT "email_deliveries_template_check";
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_template_check" CHECK ("template" IN ('email_verification', 'magic_auth', 'password_reset', 'invitation', 'radar_challenge', 'passwordless_session', 'waitlist_confirmation', 'email_change'));

-- The "new device" email (src/radar/new-device-mail.service.ts): mailed once per account and device.
ALTER TABLE "email_deliveries" DROP CONSTRAINT "email_deliveries_template_check";
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_template_check" CHECK ("template" IN ('email_verification', 'magic_auth', 'password_reset', 'invitation', 'radar_challenge', 'passwordless_session', 'waitlist_confirmation', 'email_change', 'agent_claim', 'new_device'));

-- Radar's email challenge (src/radar): a one-time code kind, a pending-authentication kind and its email template.
ALTER TABLE "one_time_secrets" DROP CONSTRAINT "one_time_secrets_kind_check";
ALTER TABLE "one_time_secrets" ADD CONSTRAINT "one_time_secrets_kind_check" CHECK ("kind" IN ('email_verification', 'magic_auth', 'password_reset', 'radar_challenge'));
ALTER TABLE "pending_authentications" DROP CONSTRAINT "pending_authentications_kind_check";
ALTER TABLE "pending_authentications" ADD CONSTRAINT "pending_authentications_kind_check" CHECK ("kind" IN ('organization_selection', 'mfa_enrollment', 'mfa_challenge', 'email_verification', 'radar_challenge'));
ALTER TABLE "email_deliveries" DROP CONSTRAINT "email_deliveries_template_check";
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_template_check" CHECK ("template" IN ('email_verification', 'magic_auth', 'password_reset', 'invitation', 'radar_challenge'));

-- Per-environment linking rule (security review C2, src/authkit/sso-sign-in.service.ts): a new
-- identity from an OAuth provider that says email_verified links to the existing user with that
-- email. It was the process-wide LINK_OAUTH_VERIFIED_EMAIL, whose default (on) every environment keeps.
ALTER TABLE "authkit_settings" ADD COLUMN "link_oauth_verified_email" BOOLEAN NOT NULL DEFAULT true;

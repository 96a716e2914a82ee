-- The hosted AuthKit pages' per-environment settings: sign-up policy, MFA requirement and branding.
CREATE TABLE "authkit_settings" (
  "environment_id" TEXT NOT NULL PRIMARY KEY,
  "sign_up_policy" TEXT NOT NULL DEFAULT 'open' CHECK ("sign_up_policy" IN ('open', 'invitation_only', 'waitlist')),
  "require_mfa" BOOLEAN NOT NULL DEFAULT false,
  "brand_name" TEXT,
  "logo_data_url" TEXT,
  "primary_color" TEXT,
  "custom_domain" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

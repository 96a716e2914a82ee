-- The last connection.saml_certificate_renewal_required notice per connection and certificate,
-- so each notice step is announced once (apps/sso/src/certificates/certificate-schedule.ts).
CREATE TABLE "saml_certificate_notices" (
    "environment_id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "saml_certificate_notices_pkey" PRIMARY KEY ("connection_id", "fingerprint"),
    CONSTRAINT "saml_certificate_notices_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "saml_certificate_notices_environment_id_idx" ON "saml_certificate_notices"("environment_id");

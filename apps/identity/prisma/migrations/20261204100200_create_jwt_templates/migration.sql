-- Each environment's JWT template (src/jwt-templates): custom access-token claims, rendered at issue.
CREATE TABLE "jwt_templates" (
  "environment_id" TEXT NOT NULL PRIMARY KEY,
  "content"        TEXT NOT NULL,
  "created_at"     TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at"     TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

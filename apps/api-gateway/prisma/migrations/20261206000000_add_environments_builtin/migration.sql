-- The Dashboard's own sign-in environment (issue 22): at most one environment is built in.
ALTER TABLE "environments" ADD COLUMN "builtin" BOOLEAN NOT NULL DEFAULT false;
CREATE UNIQUE INDEX "environments_one_builtin" ON "environments" ("builtin") WHERE "builtin";

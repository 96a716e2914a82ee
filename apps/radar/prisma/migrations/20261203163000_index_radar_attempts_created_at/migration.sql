-- The attempt statistics (GET /radar/stats) read a time range per environment.
CREATE INDEX "radar_attempts_environment_id_created_at_idx" ON "radar_attempts" ("environment_id", "created_at");

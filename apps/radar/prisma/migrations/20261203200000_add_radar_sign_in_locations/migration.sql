-- Impossible travel: where an attempt came from (GeoIP; a city database, or the country's
-- centroid), and where the account last signed in successfully.
ALTER TABLE "radar_attempts" ADD COLUMN "latitude" DOUBLE PRECISION;
ALTER TABLE "radar_attempts" ADD COLUMN "longitude" DOUBLE PRECISION;
ALTER TABLE "radar_accounts" ADD COLUMN "last_success_latitude" DOUBLE PRECISION;
ALTER TABLE "radar_accounts" ADD COLUMN "last_success_longitude" DOUBLE PRECISION;

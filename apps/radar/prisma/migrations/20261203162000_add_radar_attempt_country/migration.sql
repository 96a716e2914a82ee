-- The country of the attempt: given by the caller, else looked up from its IP address (offline GeoIP).
ALTER TABLE "radar_attempts" ADD COLUMN "country" TEXT;

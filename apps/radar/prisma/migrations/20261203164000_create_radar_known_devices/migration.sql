-- Devices each account has signed in from successfully (control unrecognized_device). Only the
-- SHA-256 of the caller's device fingerprint is stored, on the attempt and here.
ALTER TABLE "radar_attempts" ADD COLUMN "device_hash" TEXT;
CREATE TABLE "radar_known_devices" (
  "environment_id" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "device_hash" TEXT NOT NULL,
  "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
  PRIMARY KEY ("environment_id", "email", "device_hash")
);

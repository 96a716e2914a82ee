-- Group → role assignments per directory: [{"directory_group_id": "...", "role": "slug"}], in priority order.
ALTER TABLE "directories" ADD COLUMN "role_mappings" JSONB NOT NULL DEFAULT '[]';

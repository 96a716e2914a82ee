-- GET /organizations?search= (our extension): a case-insensitive name prefix, lower(name) LIKE
-- 'x%', served by this index whatever the database's collation (text_pattern_ops compares
-- byte-wise, as a LIKE prefix needs).
CREATE INDEX "organizations_environment_id_lower_name_prefix_idx" ON "organizations" ("environment_id", lower("name") text_pattern_ops);

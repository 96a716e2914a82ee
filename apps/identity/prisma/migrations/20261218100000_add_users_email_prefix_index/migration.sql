-- GET /user_management/users?search= (our extension): an email prefix, served by this index
-- whatever the database's collation (text_pattern_ops compares byte-wise, as LIKE 'x%' needs).
CREATE INDEX "users_environment_id_email_prefix_idx" ON "users" ("environment_id", "email" text_pattern_ops);

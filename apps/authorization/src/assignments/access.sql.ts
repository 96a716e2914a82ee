/*
 * The access queries, as SQL text. tools/bench/authz-check.mjs runs CHECK_BY_ID_SQL from the
 * compiled file in its bare Fastify + pg baseline, so the benchmark compares like with like.
 *
 * Grants (every path is scoped to the environment and the membership's organization):
 *  1. a role assigned on the resource or any ancestor (closure table, so one index join whatever
 *     the depth) to the membership, or to a group it belongs to (the authz_membership_grants view);
 *  2. a role the membership holds organization-wide (its role slugs from identity), which
 *     applies to every resource of the organization.
 * Only an `active` membership is granted anything.
 */

/** Roles holding permission $3 in environment $1. */
const PERMISSION_ROLES = `SELECT rp.role_id FROM authz_permissions p JOIN authz_role_permissions rp ON rp.permission_id = p.id WHERE p.environment_id = $1 AND p.slug = $3`;

function checkSql(resourceWhere: string): string {
  return `WITH m AS (SELECT id, organization_id, role_slugs, status FROM authz_memberships WHERE environment_id = $1 AND id = $2),
  x AS (SELECT r.id FROM authz_resources r JOIN m ON r.organization_id = m.organization_id WHERE r.environment_id = $1 AND ${resourceWhere}),
  pr AS (${PERMISSION_ROLES})
SELECT (SELECT count(*) FROM m)::int AS memberships, (SELECT count(*) FROM x)::int AS resources,
  EXISTS (SELECT 1 FROM m WHERE m.status = 'active' AND EXISTS (SELECT 1 FROM x) AND (
    EXISTS (SELECT 1 FROM x JOIN authz_resource_ancestors a ON a.resource_id = x.id
      JOIN authz_membership_grants ra ON ra.resource_id = a.ancestor_id AND ra.organization_membership_id = m.id
      WHERE ra.role_id IN (SELECT role_id FROM pr))
    OR EXISTS (SELECT 1 FROM authz_roles r WHERE r.id IN (SELECT role_id FROM pr) AND r.environment_id = $1
      AND (r.organization_id IS NULL OR r.organization_id = m.organization_id) AND r.slug = ANY (m.role_slugs))
  )) AS authorized`;
}

/** $1 environment, $2 membership, $3 permission slug, $4 resource ID. */
export const CHECK_BY_ID_SQL = checkSql('r.id = $4');
/** $1 environment, $2 membership, $3 permission slug, $4 resource type slug, $5 external ID. */
export const CHECK_BY_EXTERNAL_ID_SQL = checkSql('r.resource_type_slug = $4 AND r.external_id = $5');

/** Role IDs granted to membership $2 (organization $3, role slugs $4) on resource $5, by either path. */
export const HELD_ROLES_SQL = `SELECT ra.role_id FROM authz_resource_ancestors a JOIN authz_membership_grants ra ON ra.resource_id = a.ancestor_id
  WHERE a.resource_id = $5 AND ra.organization_membership_id = $2
  UNION SELECT r.id FROM authz_roles r WHERE r.environment_id = $1 AND (r.organization_id IS NULL OR r.organization_id = $3) AND r.slug = ANY ($4::text[])`;

/** True when membership (organization $2, role slugs $4) holds permission $3 organization-wide. */
export const ORGANIZATION_WIDE_SQL = `SELECT EXISTS (SELECT 1 FROM authz_roles r WHERE r.id IN (${PERMISSION_ROLES}) AND r.environment_id = $1
  AND (r.organization_id IS NULL OR r.organization_id = $2) AND r.slug = ANY ($4::text[])) AS granted`;

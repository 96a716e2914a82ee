import assert from 'node:assert/strict';

/**
 * Fails with the validator's errors unless `doc` is a valid OpenAPI 3.1 document, checked
 * against the official OpenAPI 3.1 JSON schema (@seriousme/openapi-schema-validator, which also
 * resolves every `$ref`). The package is ESM only, hence the dynamic import from CommonJS.
 */
export async function assertValidOpenApi31(doc: Record<string, unknown>): Promise<void> {
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  const validator = new Validator();
  // The validator resolves references in place: it gets a copy.
  const result = await validator.validate(structuredClone(doc));
  assert.equal(validator.version, '3.1', `an OpenAPI 3.1 document (openapi: ${String(doc.openapi)})`);
  assert.ok(result.valid, `not a valid OpenAPI 3.1 document: ${JSON.stringify(result.errors, null, 1)?.slice(0, 4000)}`);
}

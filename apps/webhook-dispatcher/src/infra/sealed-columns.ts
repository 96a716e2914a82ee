import type { SealedColumn } from '@wos/platform';

/** The dispatcher's stored SecretBox values (`wos secrets webhook-dispatcher`): an endpoint's signing secrets, sealed under its id. */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'webhook_endpoints', key: 'id', column: 'secret_sealed', context: (id) => id },
  { table: 'webhook_endpoints', key: 'id', column: 'previous_secret_sealed', context: (id) => id },
];

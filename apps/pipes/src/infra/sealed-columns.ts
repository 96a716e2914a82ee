import type { SealedColumn } from '@wos/platform';

/* Pipes' stored SecretBox values (`wos secrets pipes`): OAuth client secrets. Their contexts are defined here and used by the integrations' services. */

export const dataIntegrationSecretContext = (id: string) => `data_integration:${id}`;
export const orgConfigSecretContext = (id: string) => `organization_integration_config:${id}`;

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'data_integrations', key: 'id', column: 'client_secret_sealed', context: dataIntegrationSecretContext },
  { table: 'organization_integration_configs', key: 'id', column: 'client_secret_sealed', context: orgConfigSecretContext },
];

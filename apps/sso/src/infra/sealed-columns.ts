import type { SealedColumn } from '@wos/platform';

/** sso's stored SecretBox values (`wos secrets sso`): a connection's one secret, sealed under its id. */
export const SEALED_COLUMNS: readonly SealedColumn[] = [{ table: 'connections', key: 'id', column: 'sealed_secret', context: (id) => id }];

import { deadLettersGroup, secretsGroup, type CliModule } from '@wos/platform/cli';

/* Pipes's `wos` commands: the dead letters of its consumers (`wos dead-letters pipes …`), its sealed secrets (`wos secrets pipes …`). */
export const cli: CliModule = {
  service: 'pipes',
  groups: [
    deadLettersGroup('pipes'),
    secretsGroup('pipes', () => (require('./infra/sealed-columns') as typeof import('./infra/sealed-columns')).SEALED_COLUMNS),
  ],
};

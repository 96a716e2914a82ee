import { deadLettersCommand, secretsGroup, type CliModule } from '@wos/platform/cli';

/* Pipes's `wos` commands: the dead letters of its consumers (`wos dead-letters pipes …`), its sealed secrets (`wos secrets pipes …`). */
export const cli: CliModule = {
  service: 'pipes',
  groups: [
    { name: 'dead-letters', summary: "messages a service's consumers set aside, and their replay", commands: [deadLettersCommand('pipes')] },
    secretsGroup('pipes', () => (require('./infra/sealed-columns') as typeof import('./infra/sealed-columns')).SEALED_COLUMNS),
  ],
};

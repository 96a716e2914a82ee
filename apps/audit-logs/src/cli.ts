import { deadLettersGroup, runCli, secretsGroup, type CliModule } from '@wos/platform/cli';
import { fetchExportCommand, verifyCommand } from './chain/chain.commands';

/* Audit Logs' `wos` commands: the hash chain's offline verifier and the export it reads; the dead letters of its consumer (Vault reads). */
export const cli: CliModule = {
  service: 'audit-logs',
  groups: [
    { name: 'audit-logs', summary: 'audit-log exports and their tamper-evident chain', commands: [verifyCommand, fetchExportCommand] },
    deadLettersGroup('audit-logs'),
    secretsGroup('audit-logs', () => (require('./infra/sealed-columns') as typeof import('./infra/sealed-columns')).SEALED_COLUMNS),
  ],
};

// `node apps/audit-logs/dist/src/cli.js verify …` works too, without the rest of the platform.
if (require.main === module) {
  void runCli(['audit-logs', ...process.argv.slice(2)], [cli], { stdout: (t) => process.stdout.write(`${t}\n`), stderr: (t) => process.stderr.write(`${t}\n`), env: process.env }).then((code) => {
    process.exitCode = code;
  });
}

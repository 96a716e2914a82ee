/*
 * The service kit's rule (issue 10): an app holds its domain, never a copy of what
 * libs/platform's service kit provides. Pure functions over file paths and texts, so the rule is
 * tested on planted violations as well as run on apps/.
 */

export interface SourceFile {
  /** Repository-relative, with forward slashes: apps/<app>/src/…, apps/<app>/prisma/schema.prisma or apps/<app>/prisma/migrations/<name>/migration.sql. */
  path: string;
  text: string;
}

/* Files that only the kit may have. */
const KIT_FILES: Record<string, string> = {
  'infra.module.ts': 'startService (the kit)',
  'app.module.ts': 'startService({ kit, modules }): the kit builds the root module',
  'outbox-relay.service.ts': "the kit's outbox relay (ServiceInfraModule outbox)",
  'prisma-errors.ts': 'isUniqueViolation from @wos/platform',
};

/* Code that constructs or re-declares kit infrastructure, with what to use instead. */
const KIT_CODE: { pattern: RegExp; use: string }[] = [
  { pattern: /\bnew\s+OutboxRelay(?:Service)?\s*\(/, use: "the kit's outbox relay (ServiceInfraModule outbox)" },
  { pattern: /\bnew\s+EventConsumer\s*\(/, use: '@EventPattern handlers on the kit transport (ServiceInfraModule consumer)' },
  { pattern: /\bnew\s+Kafka\s*\(|\bcreateKafka\s*\(/, use: "the kit's Kafka transport and relay" },
  { pattern: /\bcreateRedis\s*\(|\bnew\s+(?:IORedis|Redis)\s*\(/, use: '@Inject(REDIS) (ServiceInfraModule redis)' },
  { pattern: /\bnew\s+Queue\s*\(|\bcreateQueue\s*\(/, use: '@InjectQueue (ServiceInfraModule queues)' },
  { pattern: /\bSecretBox\.fromConfig\s*\(/, use: 'the injected SecretBox (ServiceInfraModule secrets)' },
  { pattern: /\b(?:const|let|var)\s+(?:APP_CONFIG|LOGGER)\b|Symbol(?:\.for)?\(\s*['"](?:APP_CONFIG|LOGGER)['"]/, use: "`export { APP_CONFIG, LOGGER } from '@wos/platform'`" },
  { pattern: /['"`]\s*BEGIN\b/i, use: 'pgTransaction (or Prisma $transaction)' },
  { pattern: /\bbootstrapService\s*\(|\bServiceInfraModule\.forService\s*\(/, use: 'startService({ name, config, kit, modules, http })' },
  { pattern: /['"`](?:P2002|23505)['"`]/, use: 'isUniqueViolation from @wos/platform (Prisma P2002 and SQLSTATE 23505, one mapper)' },
];

/* Periodic work started by a Nest lifecycle hook: the kit's BackgroundLoop runs it (one run at a time, stopped and awaited at shutdown). */
const LIFECYCLE_HOOK = /\bon(?:ModuleInit|ApplicationBootstrap)\s*\(/;
const TIMER_LOOP = /\bsetInterval\s*\(/;

/* Prisma models of the platform's tables (libs/platform/migrations). */
const KIT_MODELS = /^\s*model\s+(?:OutboxEvent|Outbox|OutboxDeadLetter\w*|Inbox|InboxEntry|ConsumerDeadLetter\w*)\s*\{|@@map\(\s*"(?:outbox|outbox_dead_letters|inbox|consumer_dead_letters)"\s*\)/m;

/*
 * The platform's tables in hand-written migration SQL. These migrations created them before the
 * kit's shared fragment (libs/platform/migrations) existed; migrations are append-only, so they
 * stay, and the fragment's IF NOT EXISTS leaves what they made alone. No other migration may.
 */
const HISTORICAL_KIT_TABLE_MIGRATIONS = new Set([
  'directory-sync/20261128120000_create_directory_sync',
  'directory-sync/20261128140000_create_inbox',
  'directory-sync/20261203030200_create_consumer_dead_letters',
  'events/20261203030200_create_consumer_dead_letters',
  'identity/20261128070000_create_identity',
  'identity/20261203010200_create_inbox',
  'organizations/20261128000000_create_organizations',
  'sso/20261128130000_create_connections',
  'sso/20261203020100_create_inbox',
  'webhook-dispatcher/20261128160000_create_webhooks',
  'webhook-dispatcher/20261203030200_create_consumer_dead_letters',
]);
const MIGRATION = /^apps\/([^/]+)\/prisma\/migrations\/([^/]+)\/migration\.sql$/;
const KIT_TABLE_DDL = /\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"?public"?\.)?"?(?:outbox|inbox|consumer_dead_letters)"?\s*\(/i;

/** Drops SQL comments, so a migration that mentions the platform's tables in prose is no violation. */
function sql(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/--.*$/gm, '');
}

/** Drops comments, so prose that names a forbidden call is no violation. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[\s;{}(),])\/\/.*$/gm, '$1');
}

function line(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every place an app re-implements the kit, as `path:line: what — use …`. */
export function kitViolations(files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const base = f.path.split('/').at(-1)!;
    const migration = MIGRATION.exec(f.path);
    if (migration) {
      const stripped = sql(f.text);
      const m = KIT_TABLE_DDL.exec(stripped);
      if (m && !HISTORICAL_KIT_TABLE_MIGRATIONS.has(`${migration[1]}/${migration[2]}`)) {
        problems.push(`${f.path}:${line(stripped, m.index)}: ${m[0].replace(/\s*\($/, '')} creates a platform table; the platform migrations (libs/platform/migrations) own it`);
      }
      continue;
    }
    if (f.path.endsWith('schema.prisma')) {
      const m = KIT_MODELS.exec(f.text);
      if (m) problems.push(`${f.path}:${line(f.text, m.index)}: models a platform table (${m[0].trim()}); the platform migrations own it`);
      continue;
    }
    if (KIT_FILES[base]) problems.push(`${f.path}: re-implements the kit; use ${KIT_FILES[base]}`);
    const stripped = code(f.text);
    for (const rule of KIT_CODE) {
      const m = rule.pattern.exec(stripped);
      if (m) problems.push(`${f.path}:${line(stripped, m.index)}: ${m[0].trim()} re-implements the kit; use ${rule.use}`);
    }
    const timer = TIMER_LOOP.exec(stripped);
    if (timer && LIFECYCLE_HOOK.test(stripped)) problems.push(`${f.path}:${line(stripped, timer.index)}: ${timer[0].trim()} started by a lifecycle hook re-implements the kit; use BackgroundLoop from @wos/platform`);
  }
  return problems;
}

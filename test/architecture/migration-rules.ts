/*
 * Expand/contract (deploy/README.md "Upgrades"): during a rolling upgrade the previous release's
 * services run on the new schema, so a migration may only expand it. A statement that takes away
 * something the previous release reads or writes (a table, a column, a type, a name, an index
 * its upserts rely on) or that refuses what it writes (NOT NULL without a default, a narrower
 * CHECK, a new UNIQUE) is a contract step: allowed only in a migration that says so with a
 * `-- contract: <why, and which earlier release stopped using it>` line. Pure functions over SQL
 * texts, so the rules are tested on planted statements as well as run on every migration.
 */

export interface Migration {
  /** `<app>/<timestamp>_<name>` (app `platform` for libs/platform/migrations). */
  id: string;
  sql: string;
}

export interface Finding {
  migration: string;
  rule: string;
  statement: string;
}

/** What earlier migrations of the same database defined, which later rules compare against. */
export interface SchemaHistory {
  uniqueIndexes: Set<string>;
  plainIndexes: Set<string>;
  /** CHECK (col IN ('a', 'b')) constraints by name: their allowed values. */
  checkValues: Map<string, Set<string>>;
}

export const newHistory = (): SchemaHistory => ({ uniqueIndexes: new Set(), plainIndexes: new Set(), checkValues: new Map() });

const CONTRACT_MARK = /^--\s*contract:\s*(.+)$/im;

/** The `-- contract:` reason, when it is one (at least 20 characters: why, and since which release). */
export function contractReason(sql: string): string | undefined {
  const m = CONTRACT_MARK.exec(sql);
  return m && m[1]!.trim().length >= 20 ? m[1]!.trim() : undefined;
}

/** Statements without comments, split on `;` outside quotes and dollar-quoted bodies. */
export function statements(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < sql.length; ) {
    const rest = sql.slice(i);
    if (rest.startsWith('--')) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl;
    } else if (rest.startsWith('/*')) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (sql[i] === "'" || sql[i] === '"') {
      const q = sql[i]!;
      let j = i + 1;
      while (j < sql.length && !(sql[j] === q && sql[j + 1] !== q)) j += sql[j] === q ? 2 : 1;
      cur += sql.slice(i, j + 1);
      i = j + 1;
    } else if (/^\$[a-zA-Z_]*\$/.test(rest)) {
      const tag = /^\$[a-zA-Z_]*\$/.exec(rest)![0];
      const end = sql.indexOf(tag, i + tag.length);
      const body = sql.slice(i + tag.length, end < 0 ? sql.length : end);
      // A DO block's statements run now, so they are matched like any other; a function's body
      // runs later (it is code, not a schema change) and is left out.
      if (/^\s*DO\s*$/i.test(cur)) {
        for (const inner of statements(body.replace(/^\s*(?:DECLARE\b[\s\S]*?)?\bBEGIN\b/i, '').replace(/\bEND\s*;?\s*$/i, ''))) out.push(inner);
        cur = 'DO';
      } else cur += ' <body> ';
      i = end < 0 ? sql.length : end + tag.length;
    } else if (sql[i] === ';') {
      if (cur.trim()) out.push(cur.replace(/\s+/g, ' ').trim());
      cur = '';
      i++;
    } else {
      cur += sql[i];
      i++;
    }
  }
  if (cur.trim()) out.push(cur.replace(/\s+/g, ' ').trim());
  return out.filter((s) => !/^DO$/i.test(s));
}

const ID = String.raw`(?:"[^"]+"|[a-zA-Z_][\w$]*)(?:\.(?:"[^"]+"|[a-zA-Z_][\w$]*))?`;
const unquote = (id: string) => id.split('.').at(-1)!.replace(/"/g, '');

/** ALTER TABLE's comma-separated actions, split outside parentheses and quotes. */
function actions(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  let quote = '';
  for (const ch of body) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The quoted values of `CHECK (col IN ('a', 'b', …))`, or undefined for another kind of check. */
function checkInValues(def: string): Set<string> | undefined {
  const m = /CHECK\s*\(\s*\(?\s*"?\w+"?\s*\)?\s+IN\s*\(([^)]*)\)/i.exec(def);
  return m ? new Set([...m[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1]!)) : undefined;
}

/**
 * The contract statements of one migration. `history` holds what the earlier migrations of the
 * same database created, and is updated with this one's definitions.
 */
export function contractFindings(m: Migration, history: SchemaHistory): Finding[] {
  const stmts = statements(m.sql);
  const findings: Finding[] = [];
  const flag = (rule: string, statement: string) => findings.push({ migration: m.id, rule, statement: statement.slice(0, 200) });
  const createdTables = new Set<string>();
  const recreated = new Set<string>();
  const addedConstraints = new Map<string, string>();
  const defaults = new Set<string>();
  /** Columns this migration adds to existing tables: `table.column` → whether it has a default. */
  const addedColumns = new Map<string, boolean>();
  for (const s of stmts) {
    const t = new RegExp(String.raw`^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${ID})`, 'i').exec(s);
    if (t) createdTables.add(unquote(t[1]!));
    const c = new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:UNIQUE\s+)?(TYPE|FUNCTION|TRIGGER|VIEW|SEQUENCE|INDEX)\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(${ID})`, 'i').exec(s);
    if (c) recreated.add(`${c[1]!.toUpperCase()} ${unquote(c[2]!)}`);
    const alter = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${ID})\s+(.*)$`, 'i').exec(s);
    if (alter) {
      for (const a of actions(alter[2]!)) {
        const ac = new RegExp(String.raw`^ADD\s+CONSTRAINT\s+(${ID})\s+(.*)$`, 'i').exec(a);
        if (ac) addedConstraints.set(unquote(ac[1]!), ac[2]!);
        const col = new RegExp(String.raw`^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|CHECK\b|FOREIGN\b)(${ID})\s`, 'i').exec(a);
        if (col) addedColumns.set(`${unquote(alter[1]!)}.${unquote(col[1]!)}`, /\bDEFAULT\b/i.test(a));
        const d = new RegExp(String.raw`^ALTER\s+(?:COLUMN\s+)?(${ID})\s+SET\s+DEFAULT\b`, 'i').exec(a);
        if (d) defaults.add(`${unquote(alter[1]!)}.${unquote(d[1]!)}`);
      }
    }
  }

  for (const s of stmts) {
    const drop = new RegExp(String.raw`^DROP\s+(TABLE|SCHEMA|VIEW|MATERIALIZED\s+VIEW|TYPE|FUNCTION|TRIGGER|SEQUENCE|INDEX)\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?(${ID})`, 'i').exec(s);
    if (drop) {
      const kind = drop[1]!.toUpperCase().replace(/\s+/g, ' ');
      const name = unquote(drop[2]!);
      if (kind === 'TABLE' || kind === 'SCHEMA') flag(`drop ${kind.toLowerCase()}`, s);
      else if (kind === 'INDEX') {
        // A plain index only speeds queries up; a unique one (or one we cannot trace) may back the previous release's upserts.
        if (!history.plainIndexes.has(name) && !recreated.has(`INDEX ${name}`)) flag(history.uniqueIndexes.has(name) ? 'drop unique index' : 'drop index not created as a plain index by an earlier migration', s);
      } else if (!recreated.has(`${kind} ${name}`)) flag(`drop ${kind.toLowerCase()}`, s);
    }
    if (new RegExp(String.raw`^ALTER\s+(TABLE|VIEW|MATERIALIZED\s+VIEW|SEQUENCE|TYPE)\s+.*\bRENAME\s+(?!CONSTRAINT\b)`, 'i').test(s)) flag('rename', s);
    const uniq = new RegExp(String.raw`^CREATE\s+UNIQUE\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(${ID})\s+ON\s+(?:ONLY\s+)?(${ID})[^(]*\(([^)]*)\)(.*)$`, 'i').exec(s);
    if (uniq && !createdTables.has(unquote(uniq[2]!)) && !history.uniqueIndexes.has(unquote(uniq[1]!))) {
      // Rows the previous release writes leave this migration's new columns NULL (no default) or
      // at their default: unique over a NULL column, or partial on a new column, never refuses them.
      const table = unquote(uniq[2]!);
      const cols = uniq[3]!.split(',').map((c) => c.trim().replace(/"/g, ''));
      const where = /\bWHERE\b(.*)$/i.exec(uniq[4]!)?.[1] ?? '';
      const spared = cols.some((c) => addedColumns.get(`${table}.${c}`) === false) || [...addedColumns.keys()].some((k) => k.startsWith(`${table}.`) && new RegExp(String.raw`"?\b${k.split('.')[1]}\b"?`).test(where));
      if (!spared) flag('new unique index on an existing table', s);
    }

    const alter = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(${ID})\s+(.*)$`, 'i').exec(s);
    if (!alter || createdTables.has(unquote(alter[1]!))) continue;
    const table = unquote(alter[1]!);
    for (const a of actions(alter[2]!)) {
      const dropConstraint = new RegExp(String.raw`^DROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?(${ID})`, 'i').exec(a);
      if (dropConstraint) {
        const name = unquote(dropConstraint[1]!);
        const replacement = addedConstraints.get(name);
        if (!replacement) flag('drop constraint', s);
        else {
          // Replaced under the same name: allowed when it is a CHECK (col IN …) that keeps every earlier value.
          const before = history.checkValues.get(name);
          const after = checkInValues(replacement);
          if (!after) flag('constraint replaced by one that is not a CHECK (col IN …)', s);
          else if (before && [...before].some((v) => !after.has(v))) flag(`CHECK ${name} narrowed (drops ${[...before].filter((v) => !after.has(v)).join(', ')})`, s);
        }
        continue;
      }
      if (/^DROP\s+(?!CONSTRAINT\b|DEFAULT\b|NOT\s+NULL\b)/i.test(a) && !/^DROP\s+(?:IDENTITY|EXPRESSION)\b/i.test(a)) flag('drop column', s);
      if (/^ALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET\s+DATA\s+)?TYPE\b/i.test(a)) flag('alter column type', s);
      const notNull = new RegExp(String.raw`^ALTER\s+(?:COLUMN\s+)?(${ID})\s+SET\s+NOT\s+NULL\b`, 'i').exec(a);
      if (notNull && !defaults.has(`${table}.${unquote(notNull[1]!)}`)) flag('set not null without a default', s);
      if (/^ADD\s+(?:COLUMN\s+)?(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|CHECK\b|FOREIGN\b)/i.test(a) && /\bNOT\s+NULL\b/i.test(a) && !/\bDEFAULT\b|\bGENERATED\b/i.test(a)) {
        flag('add NOT NULL column without a default', s);
      }
      const ac = new RegExp(String.raw`^ADD\s+CONSTRAINT\s+(${ID})\s+(CHECK|UNIQUE|PRIMARY\s+KEY|EXCLUDE)\b`, 'i').exec(a);
      // A CHECK on columns this migration adds constrains only values the new release writes: the
      // previous release leaves them NULL or at their default (which the migration itself applied).
      const checked = ac && ac[2]!.toUpperCase() === 'CHECK' ? [...a.slice(ac[0].length).matchAll(/"(\w+)"/g)].map((m) => `${table}.${m[1]}`) : [];
      const onNewColumns = checked.length > 0 && checked.every((c) => addedColumns.has(c));
      if (ac && !onNewColumns && !stmts.some((x) => new RegExp(String.raw`DROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?"?${unquote(ac[1]!)}"?(?:\s|$)`, 'i').test(x))) {
        flag(`new ${ac[2]!.toUpperCase()} constraint on an existing table`, s);
      }
    }
  }

  // What this migration defines, for the next ones.
  for (const s of stmts) {
    const idx = new RegExp(String.raw`^CREATE\s+(UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(${ID})`, 'i').exec(s);
    if (idx) (idx[1] ? history.uniqueIndexes : history.plainIndexes).add(unquote(idx[2]!));
  }
  for (const [name, def] of addedConstraints) {
    const values = checkInValues(def);
    if (values) history.checkValues.set(name, values);
  }
  return findings;
}

import { readFileSync } from 'node:fs';
import { Client } from 'pg';

export interface DriftProblem {
  model: string;
  field?: string;
  problem: string;
}

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: string;
  isRequired: boolean;
  isList: boolean;
}
interface DmmfModel {
  name: string;
  dbName?: string | null;
  fields: DmmfField[];
}

/**
 * Compares a Prisma schema with a migrated database: every model needs its table and every
 * scalar field its column, with the same nullability. Used by each service's drift test, so a
 * schema change without a migration fails CI.
 */
export async function findSchemaDrift(schemaPath: string, databaseUrl: string): Promise<DriftProblem[]> {
  // @prisma/internals is large and only needed here, in tests. Loaded as CommonJS through
  // dynamic import, its functions sit on `default`.
  type GetDmmf = (o: { datamodel: string }) => Promise<{ datamodel: { models: DmmfModel[] } }>;
  const mod = (await import('@prisma/internals')) as unknown as { getDMMF?: GetDmmf; default?: { getDMMF: GetDmmf } };
  const getDMMF = (mod.getDMMF ?? mod.default?.getDMMF)!;
  const dmmf = await getDMMF({ datamodel: readFileSync(schemaPath, 'utf8') });
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const cols = await client.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const tables = new Map<string, Map<string, boolean>>();
    for (const c of cols.rows) {
      if (!tables.has(c.table_name)) tables.set(c.table_name, new Map());
      tables.get(c.table_name)!.set(c.column_name, c.is_nullable === 'YES');
    }
    const problems: DriftProblem[] = [];
    for (const model of dmmf.datamodel.models) {
      const table = model.dbName ?? model.name;
      const columns = tables.get(table);
      if (!columns) {
        problems.push({ model: model.name, problem: `table "${table}" is missing` });
        continue;
      }
      for (const f of model.fields) {
        if (f.kind !== 'scalar' && f.kind !== 'enum') continue;
        const column = f.dbName ?? f.name;
        if (!columns.has(column)) {
          problems.push({ model: model.name, field: f.name, problem: `column "${table}.${column}" is missing` });
          continue;
        }
        const nullable = columns.get(column)!;
        const wantNullable = !f.isRequired && !f.isList;
        if (nullable !== wantNullable) {
          problems.push({ model: model.name, field: f.name, problem: `column "${table}.${column}" is ${nullable ? 'nullable' : 'NOT NULL'} but the schema says ${wantNullable ? 'optional' : 'required'}` });
        }
      }
    }
    return problems;
  } finally {
    await client.end();
  }
}

import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';

import { Prisma } from '../src/generated/prisma/client.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.util.js';

// The schema as `prisma generate` sees it (written by libs/db/src/dmmf/dmmf-snapshot.generator.ts), compared with
// what the hand-written migrations build. Types follow Prisma's PostgreSQL mapping.

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { fields: string[] } | null;
}

interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}

interface Datamodel {
  models: DmmfModel[];
  enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
  indexes: DmmfIndex[];
}

const datamodel = JSON.parse(
  readFileSync(new URL('../src/generated/dmmf.json', import.meta.url), 'utf8'),
) as Datamodel;

const tableOf = (model: DmmfModel): string => model.dbName ?? model.name;
const columnOf = (field: DmmfField): string => field.dbName ?? field.name;
const enumTypeOf = (name: string): string => {
  const found = datamodel.enums.find((e) => e.name === name);
  return found?.dbName ?? name;
};
const scalarFields = (model: DmmfModel): DmmfField[] => model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
const columnsOf = (model: DmmfModel, fieldNames: string[]): string[] =>
  fieldNames.map((name) => columnOf(model.fields.find((f) => f.name === name)!));

// format_type() of the column Prisma would create for a field.
function expectedType(field: DmmfField): string {
  let base: string;
  if (field.kind === 'enum') {
    base = enumTypeOf(field.type);
  } else if (field.nativeType) {
    const [native, args] = field.nativeType;
    const nativeTypes: Record<string, string> = {
      Uuid: 'uuid',
      Text: 'text',
      Timestamptz: `timestamp(${args[0] ?? '3'}) with time zone`,
      Timestamp: `timestamp(${args[0] ?? '3'}) without time zone`,
      Char: `character(${args[0] ?? '1'})`,
      VarChar: args[0] ? `character varying(${args[0]})` : 'character varying',
      SmallInt: 'smallint',
      Inet: 'inet',
    };
    const mapped = nativeTypes[native];
    if (!mapped) throw new Error(`${field.name}: add native type @db.${native} to the drift test's mapping`);
    base = mapped;
  } else {
    const defaults: Record<string, string> = {
      String: 'text',
      Int: 'integer',
      BigInt: 'bigint',
      Boolean: 'boolean',
      DateTime: 'timestamp(3) without time zone',
      Json: 'jsonb',
      Float: 'double precision',
      Decimal: 'numeric(65,30)',
      Bytes: 'bytea',
    };
    const mapped = defaults[field.type];
    if (!mapped) throw new Error(`${field.name}: add Prisma type ${field.type} to the drift test's mapping`);
    base = mapped;
  }
  return field.isList ? `${base}[]` : base;
}

// Prisma's referential actions as pg_constraint.confdeltype; Prisma's default depends on optionality.
const ON_DELETE: Record<string, string> = { Cascade: 'c', SetNull: 'n', NoAction: 'a', Restrict: 'r', SetDefault: 'd' };

interface Column {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
}

interface IndexRow {
  table: string;
  unique: boolean;
  primary: boolean;
  columns: string[];
}

interface ForeignKeyRow {
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
}

let database: TestDatabase;
let tables: Set<string>;
let columns: Column[];
let indexes: IndexRow[];
let foreignKeys: ForeignKeyRow[];
let enums: Map<string, string[]>;

beforeAll(async () => {
  database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const tableRows = await client.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class
       WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition`,
    );
    tables = new Set(tableRows.rows.map((row) => row.name));
    columns = (
      await client.query<Column>(
        `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull"
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND a.attnum > 0 AND NOT a.attisdropped`,
      )
    ).rows;
    indexes = (
      await client.query<IndexRow>(
        `SELECT c.relname AS table, i.indisunique AS unique, i.indisprimary AS primary,
                array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         WHERE c.relnamespace = 'public'::regnamespace AND NOT c.relispartition`,
      )
    ).rows;
    foreignKeys = (
      await client.query<ForeignKeyRow>(
        `SELECT c.relname AS table, r.relname AS "refTable", k.confdeltype AS "onDelete",
                array(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY x(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.attnum ORDER BY x.n)::text[] AS columns,
                array(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY x(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.attnum ORDER BY x.n)::text[] AS "refColumns"
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
         WHERE k.contype = 'f' AND c.relnamespace = 'public'::regnamespace AND NOT c.relispartition AND k.conparentid = 0`,
      )
    ).rows;
    const enumRows = await client.query<{ name: string; labels: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname`,
    );
    enums = new Map(enumRows.rows.map((row) => [row.name, row.labels]));
  } finally {
    await client.end();
  }
});

afterAll(async () => {
  await database?.drop();
});

describe('the migrated database matches prisma/schema.prisma', () => {
  it('reads the same models as the generated client (the snapshot is not stale)', () => {
    expect(datamodel.models.map((m) => m.name).sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });

  it('has a table for every model and a model for every table', () => {
    const modelTables = datamodel.models.map(tableOf).sort();
    expect([...tables].filter((table) => table !== '_prisma_migrations').sort()).toEqual(modelTables);
  });

  it('has every field as a column of the same type and nullability, and no other columns', () => {
    for (const model of datamodel.models) {
      const table = tableOf(model);
      const expected = scalarFields(model)
        .map((field) => ({
          column: columnOf(field),
          type: expectedType(field),
          // Lists are NOT NULL here (empty by default): Prisma types them as never null.
          notNull: field.isRequired || field.isList,
        }))
        .sort((a, b) => a.column.localeCompare(b.column));
      const actual = columns
        .filter((column) => column.table === table)
        .map(({ column, type, notNull }) => ({ column, type, notNull }))
        .sort((a, b) => a.column.localeCompare(b.column));
      expect({ table, columns: actual }).toEqual({ table, columns: expected });
    }
  });

  it('has every enum with the same values in the same order', () => {
    for (const prismaEnum of datamodel.enums) {
      const type = prismaEnum.dbName ?? prismaEnum.name;
      expect({ type, values: enums.get(type) }).toEqual({ type, values: prismaEnum.values.map((v) => v.dbName ?? v.name) });
    }
    expect([...enums.keys()].sort()).toEqual(datamodel.enums.map((e) => e.dbName ?? e.name).sort());
  });

  it('has every primary key, unique constraint and index', () => {
    for (const index of datamodel.indexes) {
      const model = datamodel.models.find((m) => m.name === index.model)!;
      const wanted = {
        table: tableOf(model),
        columns: columnsOf(
          model,
          index.fields.map((f) => f.name),
        ),
        unique: index.type !== 'normal',
        primary: index.type === 'id',
      };
      const found = indexes.find(
        (row) =>
          row.table === wanted.table &&
          row.unique === wanted.unique &&
          row.primary === wanted.primary &&
          row.columns.join() === wanted.columns.join(),
      );
      expect({ index: wanted, found: found !== undefined }).toEqual({ index: wanted, found: true });
    }
  });

  it('has no unique index the schema does not know, so Prisma never meets an unexpected conflict', () => {
    const declared = datamodel.indexes
      .filter((index) => index.type !== 'normal')
      .map((index) => {
        const model = datamodel.models.find((m) => m.name === index.model)!;
        return `${tableOf(model)}(${columnsOf(model, index.fields.map((f) => f.name)).join()})`;
      });
    const unique = indexes
      .filter((row) => row.unique && row.table !== '_prisma_migrations')
      .map((row) => `${row.table}(${row.columns.join()})`);
    expect(unique.sort()).toEqual(declared.sort());
  });

  it('has every relation as a foreign key with the same columns and delete action, and no other foreign keys', () => {
    const expected = datamodel.models.flatMap((model) =>
      model.fields
        .filter((field) => field.kind === 'object' && field.relationFromFields && field.relationFromFields.length > 0)
        .map((field) => {
          const target = datamodel.models.find((m) => m.name === field.type)!;
          const optional = field.relationFromFields!.some((name) => !model.fields.find((f) => f.name === name)!.isRequired);
          const action = field.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict');
          return {
            table: tableOf(model),
            columns: columnsOf(model, field.relationFromFields!),
            refTable: tableOf(target),
            refColumns: columnsOf(target, field.relationToFields!),
            onDelete: ON_DELETE[action],
          };
        }),
    );
    const key = (fk: ForeignKeyRow): string => `${fk.table}(${fk.columns.join()})->${fk.refTable}(${fk.refColumns.join()})`;
    const sortByKey = (list: ForeignKeyRow[]): ForeignKeyRow[] => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sortByKey(foreignKeys)).toEqual(sortByKey(expected as ForeignKeyRow[]));
  });
});

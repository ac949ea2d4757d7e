import { PssInputError } from '../api/level.js';
import { INT32_MAX, INT32_MIN, INT64_LIMIT } from './projected-fields.constant.js';

/** A decoded JSON object whose fields have not been checked yet. */
export type Fields = Record<string, unknown>;

const SHOWN_STRING_LENGTH = 64;

// Readers take the parent's path and build the field's path only when they throw: the projection runs on
// every pod the agent sees, and nearly all of them are valid.

export function fieldPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

export function invalidField(path: string, problem: string): PssInputError {
  return new PssInputError(`${path}: ${problem}`);
}

/** How a bad value is shown in an error: strings quoted (and cut short), containers by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > SHOWN_STRING_LENGTH ? `${value.slice(0, SHOWN_STRING_LENGTH - 3)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array element or a document root: null is not absent here, because there is no field to omit. */
export function asFields(value: unknown, path: string): Fields {
  if (isFields(value)) return value;
  throw invalidField(path, `expected an object, got ${describeValue(value)}`);
}

export function readObject(fields: Fields, key: string, parent: string): Fields | undefined {
  const value = fields[key];
  if (value == null) return undefined;
  if (isFields(value)) return value;
  throw invalidField(fieldPath(parent, key), `expected an object, got ${describeValue(value)}`);
}

export function readArray(fields: Fields, key: string, parent: string): readonly unknown[] | undefined {
  const value = fields[key];
  if (value == null) return undefined;
  if (Array.isArray(value)) return value as readonly unknown[];
  throw invalidField(fieldPath(parent, key), `expected an array, got ${describeValue(value)}`);
}

export function readBoolean(fields: Fields, key: string, parent: string): boolean | undefined {
  const value = fields[key];
  if (value == null) return undefined;
  if (typeof value === 'boolean') return value;
  throw invalidField(fieldPath(parent, key), `expected a boolean, got ${describeValue(value)}`);
}

export function readString(fields: Fields, key: string, parent: string): string | undefined {
  const value = fields[key];
  if (value == null) return undefined;
  if (typeof value === 'string') return value;
  throw invalidField(fieldPath(parent, key), `expected a string, got ${describeValue(value)}`);
}

/** Names and paths the checks print or match on: the API server rejects them when empty. */
export function readRequiredString(fields: Fields, key: string, parent: string): string {
  const value = readString(fields, key, parent);
  if (value === undefined || value === '') throw invalidField(fieldPath(parent, key), 'required');
  return value;
}

/** An int64 field (user and group ids). */
export function readInteger(fields: Fields, key: string, parent: string): number | undefined {
  const value = fields[key];
  if (value == null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= -INT64_LIMIT && value < INT64_LIMIT) {
    return value;
  }
  throw invalidField(fieldPath(parent, key), `expected an integer, got ${describeValue(value)}`);
}

/** An int32 field (ports). */
export function readInt32(fields: Fields, key: string, parent: string): number | undefined {
  const value = fields[key];
  if (value == null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
    return value;
  }
  throw invalidField(fieldPath(parent, key), `expected a 32-bit integer, got ${describeValue(value)}`);
}

/** A `[]string`; a null item decodes to "" in Go, so it does here. */
export function readStringList(fields: Fields, key: string, parent: string): string[] | undefined {
  const items = readArray(fields, key, parent);
  if (items === undefined) return undefined;
  const strings: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item == null) strings.push('');
    else if (typeof item === 'string') strings.push(item);
    else throw invalidField(`${fieldPath(parent, key)}[${i}]`, `expected a string, got ${describeValue(item)}`);
  }
  return strings;
}

import { YAMLException } from 'js-yaml';

import { PssInputError } from '../api/level.js';
import { jsonItemOffsets } from './parse-manifests-json.util.js';
import { LinePositions } from './parse-manifests-lines.util.js';
import { parseYamlDocuments } from './parse-manifests-yaml.util.js';

/** One non-empty document of a manifest file. */
export interface ManifestDocument {
  /** The file name (or other label) given to `parseManifests`, for messages. */
  source: string;
  /** 1-based line where the document's object starts (after any `---` and comments). */
  line: number;
  object: Record<string, unknown>;
  /**
   * 1-based line where each item of a `List` starts, keyed by the item path extractPodTemplates reports
   * (`items[0]`, `items[2].items[1]` for a List in a List); empty when the document is not a List.
   */
  itemLines: Map<string, number>;
}

function describeRoot(value: unknown): string {
  if (Array.isArray(value)) return 'a sequence';
  return `the scalar ${JSON.stringify(String(value))}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function linesOf(positions: LinePositions, offsets: Map<string, number>): Map<string, number> {
  const lines = new Map<string, number>();
  for (const [path, offset] of offsets) lines.set(path, positions.at(offset).line);
  return lines;
}

// JSON (what `kubectl get -o json` prints) is parsed natively; the scan for item lines is one light pass. Text
// that starts like JSON but JSON.parse rejects goes to the YAML reader, which also reads JSON and says where
// the syntax error is.
function parseJson(text: string, source: string): ManifestDocument[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const positions = new LinePositions(text);
  const { start, items } = jsonItemOffsets(text);
  return [{ source, line: positions.at(start).line, object: value, itemLines: linesOf(positions, items) }];
}

const JSON_OBJECT_START = /^[ \t\r\n]*\{/;

function startsLikeJsonObject(text: string): boolean {
  return JSON_OBJECT_START.test(text);
}

// An indentation error is about the first token of its line, wherever the parser noticed it (js-yaml notices
// `  namespace: shop` indented under a scalar only at its colon): point at that token, not at the colon and
// not at column 1. A tab in the indentation is itself the offending token and keeps its own column.
function offendingColumn(text: string, reason: string, position: number, column: number): number {
  if (!reason.includes('indentation') || reason.includes('tab')) return column;
  const lineStart = position - column;
  let first = lineStart;
  while (text.charCodeAt(first) === 0x20) first++;
  return first < position ? first - lineStart : column;
}

/**
 * Parses a file of Kubernetes manifests: YAML with `---` separated documents (read with kubectl's YAML 1.1
 * rules), or JSON. Empty documents are ignored. A syntax error, or a document that is not a mapping, throws
 * PssInputError with `source:line:column: message`, the column being that of the offending token.
 */
export function parseManifests(text: string, source: string): ManifestDocument[] {
  if (startsLikeJsonObject(text)) {
    const json = parseJson(text, source);
    if (json) return json;
  }
  let documents;
  try {
    documents = parseYamlDocuments(text);
  } catch (error) {
    if (error instanceof YAMLException && error.mark) {
      const column = offendingColumn(text, error.reason, error.mark.position, error.mark.column);
      throw new PssInputError(`${source}:${error.mark.line + 1}:${column + 1}: ${error.reason}`);
    }
    throw new PssInputError(`${source}: ${(error as Error).message}`);
  }
  const positions = new LinePositions(text);
  const manifests: ManifestDocument[] = [];
  for (const document of documents) {
    if (document.value === null || document.value === undefined) continue;
    const { line, column } = positions.at(document.start);
    if (!isObject(document.value)) {
      throw new PssInputError(`${source}:${line}:${column}: expected a mapping (a Kubernetes object), got ${describeRoot(document.value)}`);
    }
    manifests.push({ source, line, object: document.value, itemLines: linesOf(positions, document.items) });
  }
  return manifests;
}

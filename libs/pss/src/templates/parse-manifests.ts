import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Tags } from 'yaml';

import { PssInputError } from '../api/level.js';

/** One non-empty document of a manifest file. */
export interface ManifestDocument {
  /** The file name (or other label) given to `parseManifests`, for messages. */
  source: string;
  /** 1-based line where the document's object starts (after any `---` and comments). */
  line: number;
  object: Record<string, unknown>;
}

const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

// kubectl reads YAML through sigs.k8s.io/yaml, which follows go-yaml v2's YAML 1.1 rules: `yes`, `on` and `y`
// are booleans and 0755 is octal, so `hostNetwork: yes` means true. go-yaml v2 keeps timestamps as strings and
// has no base-60 numbers, so those YAML 1.1 tags are left out.
function goYamlTags(tags: Tags): Tags {
  return tags.filter((tag) => typeof tag === 'string' || (tag.format !== 'TIME' && tag.tag !== TIMESTAMP_TAG));
}

function positioned(source: string, lineCounter: LineCounter, offset: number, message: string): PssInputError {
  const { line, col } = lineCounter.linePos(Math.max(0, offset));
  return new PssInputError(`${source}:${line}:${col}: ${message}`);
}

function nodeKind(node: unknown): string {
  if (isSeq(node)) return 'a sequence';
  if (isScalar(node)) return `the scalar ${JSON.stringify(String(node.value))}`;
  return 'a non-mapping node';
}

/**
 * Parses a file of Kubernetes manifests: YAML with `---` separated documents, or JSON. Empty documents are
 * ignored. A syntax error, or a document that is not a mapping, throws PssInputError with
 * `source:line:column: message`.
 */
export function parseManifests(text: string, source: string): ManifestDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    version: '1.1',
    customTags: goYamlTags,
  });
  const manifests: ManifestDocument[] = [];
  for (const document of documents) {
    const [error] = document.errors;
    if (error !== undefined) throw positioned(source, lineCounter, error.pos[0], error.message);
    const contents = document.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) continue;
    const offset = contents.range?.[0] ?? document.range[0];
    if (!isMap(contents)) {
      throw positioned(source, lineCounter, offset, `expected a mapping (a Kubernetes object), got ${nodeKind(contents)}`);
    }
    let object: unknown;
    try {
      object = document.toJS({ maxAliasCount: 100 });
    } catch (cause) {
      // Alias expansion past the limit (a "billion laughs" document) and the like.
      throw positioned(source, lineCounter, offset, (cause as Error).message);
    }
    manifests.push({ source, line: lineCounter.linePos(offset).line, object: object as Record<string, unknown> });
  }
  return manifests;
}

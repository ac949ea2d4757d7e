import {
  EVENT_ID,
  NOT_RESOLVED,
  YAML11_SCHEMA,
  constructFromEvents,
  defineScalarTag,
  floatYaml11Tag,
  getScalarValue,
  intYaml11Tag,
  parseEvents,
} from 'js-yaml';
import type { Event, ScalarTagDefinition } from 'js-yaml';

// kubectl reads YAML through sigs.k8s.io/yaml, which follows go-yaml v2's YAML 1.1 rules: `yes`, `on` and `y`
// are booleans and 0755 is octal, so `hostNetwork: yes` means true. go-yaml v2 keeps timestamps as strings,
// has no base-60 numbers (1:30 is a string), and reads any number its float pattern matches (1e3, 08) as a
// float, which YAML 1.1 proper would leave a string.
const GO_YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function withoutBase60<T>(tag: ScalarTagDefinition<T>, fallback?: (source: string) => T | typeof NOT_RESOLVED): ScalarTagDefinition<T> {
  return defineScalarTag<T>(tag.tagName, {
    implicit: tag.implicit,
    implicitFirstChars: tag.implicitFirstChars,
    identify: tag.identify,
    represent: tag.represent,
    resolve: (source, isExplicit, tagName) => {
      if (source.includes(':')) return NOT_RESOLVED;
      const value = tag.resolve(source, isExplicit, tagName);
      return value === NOT_RESOLVED && fallback ? fallback(source) : value;
    },
  });
}

const GO_YAML_V2_SCHEMA = YAML11_SCHEMA.withTags(
  withoutBase60(intYaml11Tag),
  withoutBase60(floatYaml11Tag, (source) => (GO_YAML_FLOAT.test(source) ? Number(source) : NOT_RESOLVED)),
  // No implicit timestamps: a plain 2026-07-01 stays a string.
  defineScalarTag('tag:yaml.org,2002:timestamp', { implicit: false, resolve: (source) => source, identify: () => false }),
);

// The bound on aliases per document: js-yaml shares aliased values instead of copying them, but a consumer that
// walks the object would still pay for every expansion ("billion laughs").
const MAX_ALIASES = 100;

/** One YAML document: its value and where its root node and each List item start. */
export interface YamlDocument {
  value: unknown;
  /** Offset of the root node; -1 for an empty document. */
  start: number;
  /** Offsets of List items by item path (`items[0]`, `items[3].items[1]`). */
  items: Map<string, number>;
}

function nodeStart(event: Event): number {
  let start = -1;
  const consider = (offset: number) => {
    if (offset !== -1 && (start === -1 || offset < start)) start = offset;
  };
  switch (event.type) {
    case EVENT_ID.SCALAR:
      consider(event.valueStart);
      consider(event.anchorStart);
      consider(event.tagStart);
      break;
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      consider(event.start);
      consider(event.anchorStart);
      consider(event.tagStart);
      break;
    case EVENT_ID.ALIAS:
      // anchorStart points at the name; the `*` is one before it.
      consider(event.anchorStart - 1);
      break;
    default:
      break;
  }
  return start;
}

/**
 * Reads the events of one node starting at `index`, recording the offsets of List items below it when it is
 * a mapping with an `items` sequence (recursively, for Lists of Lists). Returns the index after the node.
 */
function walkNode(events: readonly Event[], index: number, text: string, itemPath: string, items: Map<string, number>): number {
  const event = events[index]!;
  if (event.type !== EVENT_ID.MAPPING) return skipNode(events, index);
  let i = index + 1;
  while (events[i]!.type !== EVENT_ID.POP) {
    const key = events[i]!;
    const isItemsKey = key.type === EVENT_ID.SCALAR && getScalarValue(text, key) === 'items';
    i = skipNode(events, i);
    if (isItemsKey && events[i]!.type === EVENT_ID.SEQUENCE) {
      const prefix = itemPath === '' ? '' : `${itemPath}.`;
      let n = 0;
      i++;
      while (events[i]!.type !== EVENT_ID.POP) {
        const path = `${prefix}items[${n++}]`;
        items.set(path, nodeStart(events[i]!));
        i = walkNode(events, i, text, path, items);
      }
      i++;
    } else {
      i = skipNode(events, i);
    }
  }
  return i + 1;
}

function skipNode(events: readonly Event[], index: number): number {
  const type = events[index]!.type;
  if (type !== EVENT_ID.MAPPING && type !== EVENT_ID.SEQUENCE) return index + 1;
  let depth = 0;
  let i = index;
  do {
    const t = events[i++]!.type;
    if (t === EVENT_ID.MAPPING || t === EVENT_ID.SEQUENCE) depth++;
    else if (t === EVENT_ID.POP) depth--;
  } while (depth > 0);
  return i;
}

/**
 * Parses a YAML stream as kubectl does. Throws js-yaml's YAMLException (with `mark.line`/`mark.column` of the
 * offending token) on a syntax error.
 */
export function parseYamlDocuments(text: string): YamlDocument[] {
  const events = parseEvents(text, {});
  const values = constructFromEvents(events, { source: text, schema: GO_YAML_V2_SCHEMA, maxAliases: MAX_ALIASES });
  const documents: YamlDocument[] = [];
  let i = 0;
  while (i < events.length) {
    // DOCUMENT, then at most one root node, then POP.
    i++;
    const items = new Map<string, number>();
    let start = -1;
    if (events[i]!.type !== EVENT_ID.POP) {
      start = nodeStart(events[i]!);
      i = walkNode(events, i, text, '', items);
    }
    i++;
    documents.push({ value: values[documents.length], start, items });
  }
  return documents;
}

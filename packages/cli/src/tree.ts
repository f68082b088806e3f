/**
 * The display tree `inspect` builds once and renders twice: as indented text and as JSON. Keys
 * are the field names of the RFCs' presentation language (`legacy_session_id`, `cipher_suites`),
 * so both views read like the specification.
 */
import { hex } from '@tlskit/wire';

/** Opaque bytes: hex in JSON, shortened hex in text unless asked for in full. */
export class Bytes {
  constructor(readonly bytes: Uint8Array) {}
}

/** A registry code point with its IANA name when known (`undefined` for an unknown value). */
export class Code {
  constructor(
    readonly code: number,
    readonly name: string | undefined,
    /** Width in bytes on the wire, for hex printing. */
    readonly width: 1 | 2,
  ) {}
}

/** A node of the display tree. */
export type Node = string | number | boolean | Bytes | Code | readonly Node[] | Fields;
/** An object node: field name to value, in wire order. */
export interface Fields {
  readonly [field: string]: Node;
}

/** JSON view: code points become `{ code, name? }`, bytes become lowercase hex strings. */
export function toJson(node: Node): unknown {
  if (node instanceof Bytes) return hex(node.bytes);
  if (node instanceof Code)
    return node.name === undefined ? { code: node.code } : { code: node.code, name: node.name };
  if (Array.isArray(node)) return node.map(toJson);
  if (typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node as Fields)) out[key] = toJson(value);
    return out;
  }
  return node;
}

/** Options for {@link toText}. */
export interface TextOptions {
  /** Print long byte strings in full instead of their first {@link SHORT_BYTES} bytes. */
  readonly full?: boolean;
}

/** How many bytes of a long value the text view shows by default. */
export const SHORT_BYTES = 32;

/**
 * Text view: one `field: value` per line, nested fields indented two spaces, list items as
 * `- `. Lists say how many items they hold.
 */
export function toText(node: Fields, options: TextOptions = {}): string {
  const lines: string[] = [];
  writeFields(node, '', lines, options);
  return `${lines.join('\n')}\n`;
}

function writeFields(fields: Fields, indent: string, lines: string[], options: TextOptions): void {
  for (const [key, value] of Object.entries(fields)) writeField(key, value, indent, lines, options);
}

function writeField(
  key: string,
  value: Node,
  indent: string,
  lines: string[],
  options: TextOptions,
): void {
  if (Array.isArray(value)) {
    const items = value as readonly Node[];
    if (items.length === 0) {
      lines.push(`${indent}${key}: (none)`);
      return;
    }
    lines.push(`${indent}${key} (${items.length}):`);
    for (const item of items) writeItem(item, `${indent}  `, lines, options);
    return;
  }
  if (isFields(value)) {
    lines.push(`${indent}${key}:`);
    writeFields(value, `${indent}  `, lines, options);
    return;
  }
  lines.push(`${indent}${key}: ${leafText(value, options)}`);
}

// A list item: a leaf on its own `- ` line; an object's first field on the `- ` line and the
// rest aligned under it.
function writeItem(item: Node, indent: string, lines: string[], options: TextOptions): void {
  if (!isFields(item) && !Array.isArray(item)) {
    lines.push(`${indent}- ${leafText(item, options)}`);
    return;
  }
  const nested: string[] = [];
  if (Array.isArray(item)) writeField('items', item, `${indent}  `, nested, options);
  else writeFields(item, `${indent}  `, nested, options);
  const first = nested[0];
  if (first === undefined) {
    lines.push(`${indent}- {}`);
    return;
  }
  lines.push(`${indent}- ${first.slice(indent.length + 2)}`, ...nested.slice(1));
}

function isFields(node: Node): node is Fields {
  return (
    typeof node === 'object' &&
    !Array.isArray(node) &&
    !(node instanceof Bytes) &&
    !(node instanceof Code)
  );
}

function leafText(node: Node, options: TextOptions): string {
  if (node instanceof Code) {
    const digits = `0x${node.code.toString(16).padStart(node.width * 2, '0')}`;
    return `${node.name ?? 'unknown'} (${digits})`;
  }
  if (node instanceof Bytes) return bytesText(node.bytes, options);
  return String(node);
}

function bytesText(bytes: Uint8Array, options: TextOptions): string {
  if (bytes.length === 0) return '(empty)';
  const count = byteCount(bytes.length);
  if (options.full === true || bytes.length <= SHORT_BYTES) return `${hex(bytes)} (${count})`;
  return `${hex(bytes.subarray(0, SHORT_BYTES))}... (${count})`;
}

/** `1 byte`, `32 bytes`. */
export function byteCount(length: number): string {
  return length === 1 ? '1 byte' : `${length} bytes`;
}

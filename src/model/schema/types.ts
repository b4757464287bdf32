/**
 * The declarative shape of each API object: field name → field type. One generic decoder
 * (decode.ts) walks YAML against these tables; nothing is decoded by hand per field.
 */
export type FieldType =
  | { type: 'string' }
  /** A string holding a selector: also records where its characters sit, for diagnostics inside it. */
  | { type: 'selector' }
  | { type: 'number' }
  | { type: 'integer' }
  | { type: 'boolean' }
  /** Upstream's Uint8OrString: a number, or a string; a numeric string 0-255 becomes a number. */
  | { type: 'protocol' }
  /** A number or a string, kept as written (ports: 80, "80", "8000:8080", "http"). */
  | { type: 'intOrString' }
  /** A mapping of string to string (labels, annotations). */
  | { type: 'stringMap' }
  | { type: 'list'; items: FieldType }
  | { type: 'object'; schema: ObjectSchema }
  /** Accepted and kept as plain data, unchecked. */
  | { type: 'any' }
  /** Accepted and dropped (server-set metadata, status). */
  | { type: 'ignored' };

export interface ObjectSchema {
  /** The API type's name, for people (`Rule`, `EntityRule`). */
  name: string;
  fields: Readonly<Record<string, FieldType>>;
  required?: readonly string[];
  /**
   * Kubernetes objects with many fields calpol does not model (a Pod's volumes, a
   * container's image): other keys are accepted and dropped rather than reported.
   */
  open?: boolean;
}

export const string: FieldType = { type: 'string' };
export const selector: FieldType = { type: 'selector' };
export const number: FieldType = { type: 'number' };
export const integer: FieldType = { type: 'integer' };
export const boolean: FieldType = { type: 'boolean' };
export const protocol: FieldType = { type: 'protocol' };
export const intOrString: FieldType = { type: 'intOrString' };
export const stringMap: FieldType = { type: 'stringMap' };
export const any: FieldType = { type: 'any' };
export const ignored: FieldType = { type: 'ignored' };
export const list = (items: FieldType): FieldType => ({ type: 'list', items });
export const object = (schema: ObjectSchema): FieldType => ({ type: 'object', schema });

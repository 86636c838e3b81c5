/**
 * Structural validation of STIX 2.1 objects at run time, without the OASIS schemas (Accord must run
 * without them; the tests check our output against them). It checks what the specification requires
 * of every object, known or custom: type and id, spec_version, timestamps, references, marking and
 * extension shapes, property names, and the required properties of each type the specification
 * defines. Unknown properties, custom object types and extensions are accepted as they are: import
 * keeps them losslessly.
 */
import { err, ok, type Result } from '../domain/result.js';
import { IDENTIFIER, isRecord, SCO_TYPES, type StixObject, TIMESTAMP, timestampMicros } from './stix.js';

export interface Problem {
  readonly reason: string;
  /** The property at fault (a path such as "granular_markings[0].selectors"). */
  readonly field?: string;
}

/** Required properties of the STIX 2.1 domain, relationship and meta objects (beyond the common ones). */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'attack-pattern': ['name'],
  campaign: ['name'],
  'course-of-action': ['name'],
  grouping: ['context', 'object_refs'],
  identity: ['name'],
  incident: ['name'],
  indicator: ['pattern', 'pattern_type', 'valid_from'],
  infrastructure: ['name'],
  'intrusion-set': ['name'],
  location: [],
  malware: ['is_family'],
  'malware-analysis': ['product'],
  note: ['content', 'object_refs'],
  'observed-data': ['first_observed', 'last_observed', 'number_observed'],
  opinion: ['opinion', 'object_refs'],
  report: ['name', 'published', 'object_refs'],
  'threat-actor': ['name'],
  tool: ['name'],
  vulnerability: ['name'],
  relationship: ['relationship_type', 'source_ref', 'target_ref'],
  sighting: ['sighting_of_ref'],
  'language-content': ['object_ref', 'object_modified', 'contents'],
  'extension-definition': ['name', 'schema', 'version', 'extension_types', 'created_by_ref'],
  'marking-definition': [],
};

/** Required properties of the cyber-observables (STIX 2.1 section 6). */
const SCO_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'email-message': ['is_multipart'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': ['protocols'],
  software: ['name'],
  url: ['value'],
  'windows-registry-key': [],
  'x509-certificate': [],
  artifact: [],
  file: [],
  process: [],
  'user-account': [],
};

const TYPE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const PROPERTY_NAME = /^[a-z0-9_]+$/;
const EXTENSION_KEY = /^(extension-definition--[0-9a-fA-F-]{36}|[a-z0-9][a-z0-9-]*[a-z0-9])$/;
/** Timestamp-valued properties of the specification's types, checked when present. */
const TIMESTAMPS = [
  'created',
  'modified',
  'valid_from',
  'valid_until',
  'first_seen',
  'last_seen',
  'first_observed',
  'last_observed',
  'published',
  'object_modified',
];

const fail = (reason: string, field?: string): Result<StixObject, Problem> =>
  err(field === undefined ? { reason } : { reason, field });

const isIdentifier = (v: unknown): v is string => typeof v === 'string' && IDENTIFIER.test(v);

/** What kind of object this is, as validation treats it. */
export type ObjectKind = 'sdo' | 'sco' | 'custom-sdo' | 'custom-sco';

export function objectKind(type: string, obj: Readonly<Record<string, unknown>>): ObjectKind {
  if (SCO_TYPES.has(type)) return 'sco';
  if (type in REQUIRED) return 'sdo';
  // A custom or extension-defined object with a creation time is SDO-like (it versions); without,
  // it is an observable-like object.
  return 'created' in obj || 'modified' in obj ? 'custom-sdo' : 'custom-sco';
}

/** Validate one object; the reason says what is wrong and where. */
export function validateObject(v: unknown): Result<StixObject, Problem> {
  if (!isRecord(v))
    return fail(`not a JSON object but ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}`);
  const type = v.type;
  if (typeof type !== 'string') return fail('type is missing or not a string', 'type');
  if (type.length < 3 || type.length > 250 || !TYPE_NAME.test(type))
    return fail(
      `type "${type.slice(0, 80)}" is not a STIX type name (a-z, 0-9 and single hyphens, 3-250 characters)`,
      'type',
    );
  if (type === 'bundle') return fail('a bundle cannot be an object of a bundle', 'type');
  const id = v.id;
  if (typeof id !== 'string') return fail(`${type}: id is missing or not a string`, 'id');
  if (!IDENTIFIER.test(id)) return fail(`${type}: id "${id.slice(0, 120)}" is not "type--UUID"`, 'id');
  if (!id.startsWith(`${type}--`)) return fail(`id "${id}" does not start with its type "${type}--"`, 'id');
  const where = id;

  for (const k of Object.keys(v)) {
    if (k.length > 250 || !PROPERTY_NAME.test(k) || (k.length < 3 && k !== 'id'))
      return fail(
        `${where}: property name "${k.slice(0, 80)}" is not a STIX property name (a-z, 0-9, _; 3-250 characters)`,
        k,
      );
  }

  const kind = objectKind(type, v);
  const versioned = kind === 'sdo' || kind === 'custom-sdo';
  const sv = v.spec_version;
  if (sv === undefined) {
    if (versioned)
      return fail(`${where}: spec_version is missing (required for this object)`, 'spec_version');
  } else if (sv !== '2.1')
    return fail(`${where}: spec_version ${JSON.stringify(sv)}: only STIX 2.1 is accepted`, 'spec_version');

  for (const t of TIMESTAMPS) {
    const x = v[t];
    if (x === undefined) continue;
    if (typeof x !== 'string' || !TIMESTAMP.test(x) || timestampMicros(x) === undefined)
      return fail(
        `${where}: ${t} ${JSON.stringify(x).slice(0, 60)} is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s+]Z)`,
        t,
      );
  }
  if (versioned && v.created === undefined) return fail(`${where}: created is missing`, 'created');
  if (versioned && type !== 'marking-definition' && v.modified === undefined)
    return fail(`${where}: modified is missing`, 'modified');
  const before = (a: string, b: string, what: string) => {
    const x = v[a];
    const y = v[b];
    if (
      typeof x === 'string' &&
      typeof y === 'string' &&
      (timestampMicros(y) as number) < (timestampMicros(x) as number)
    )
      return fail(`${where}: ${b} ${y} is ${what} ${a} ${x}`, b);
    return undefined;
  };
  const order =
    before('created', 'modified', 'earlier than') ??
    before('first_seen', 'last_seen', 'earlier than') ??
    before('first_observed', 'last_observed', 'earlier than');
  if (order) return order;
  if (typeof v.valid_from === 'string' && typeof v.valid_until === 'string') {
    if ((timestampMicros(v.valid_until) as number) <= (timestampMicros(v.valid_from) as number))
      return fail(
        `${where}: valid_until ${v.valid_until} is not later than valid_from ${v.valid_from}`,
        'valid_until',
      );
  }

  const required = kind === 'sdo' ? REQUIRED[type] : kind === 'sco' ? SCO_REQUIRED[type] : [];
  for (const r of required ?? [])
    if (v[r] === undefined || v[r] === null) return fail(`${where}: ${r} is required for ${type}`, r);

  for (const [k, x] of Object.entries(v)) {
    if (k === 'id') continue;
    if (k.endsWith('_ref')) {
      if (!isIdentifier(x))
        return fail(`${where}: ${k} ${JSON.stringify(x).slice(0, 80)} is not an identifier`, k);
    } else if (k.endsWith('_refs')) {
      if (!Array.isArray(x) || x.length === 0)
        return fail(`${where}: ${k} must be a non-empty list of identifiers`, k);
      const i = x.findIndex((r) => !isIdentifier(r));
      if (i >= 0)
        return fail(
          `${where}: ${k}[${i}] ${JSON.stringify(x[i]).slice(0, 80)} is not an identifier`,
          `${k}[${i}]`,
        );
    }
  }
  if (v.created_by_ref !== undefined && !(v.created_by_ref as string).startsWith('identity--'))
    return fail(`${where}: created_by_ref must refer to an identity`, 'created_by_ref');
  if (Array.isArray(v.object_marking_refs)) {
    const i = v.object_marking_refs.findIndex((r) => !(r as string).startsWith('marking-definition--'));
    if (i >= 0)
      return fail(
        `${where}: object_marking_refs[${i}] is not a marking-definition`,
        `object_marking_refs[${i}]`,
      );
  }
  if (v.granular_markings !== undefined) {
    if (!Array.isArray(v.granular_markings) || v.granular_markings.length === 0)
      return fail(`${where}: granular_markings must be a non-empty list`, 'granular_markings');
    for (const [i, g] of v.granular_markings.entries()) {
      const f = `granular_markings[${i}]`;
      if (!isRecord(g)) return fail(`${where}: ${f} is not an object`, f);
      if (g.marking_ref === undefined && g.lang === undefined)
        return fail(`${where}: ${f} has neither marking_ref nor lang`, f);
      if (
        !Array.isArray(g.selectors) ||
        g.selectors.length === 0 ||
        g.selectors.some((s) => typeof s !== 'string')
      )
        return fail(`${where}: ${f}.selectors must be a non-empty list of strings`, `${f}.selectors`);
    }
  }
  if (v.extensions !== undefined) {
    if (!isRecord(v.extensions) || Object.keys(v.extensions).length === 0)
      return fail(`${where}: extensions must be a non-empty object`, 'extensions');
    for (const [k, x] of Object.entries(v.extensions)) {
      if (!EXTENSION_KEY.test(k))
        return fail(`${where}: extension name "${k.slice(0, 80)}" is not valid`, `extensions.${k}`);
      if (!isRecord(x)) return fail(`${where}: extension ${k} is not an object`, `extensions.${k}`);
    }
  }
  if (v.external_references !== undefined) {
    if (!Array.isArray(v.external_references))
      return fail(`${where}: external_references must be a list`, 'external_references');
    const i = v.external_references.findIndex((e) => !isRecord(e) || typeof e.source_name !== 'string');
    if (i >= 0)
      return fail(`${where}: external_references[${i}] has no source_name`, `external_references[${i}]`);
  }
  if (v.labels !== undefined && (!Array.isArray(v.labels) || v.labels.some((l) => typeof l !== 'string')))
    return fail(`${where}: labels must be a list of strings`, 'labels');
  if (
    v.confidence !== undefined &&
    !(Number.isInteger(v.confidence) && (v.confidence as number) >= 0 && (v.confidence as number) <= 100)
  )
    return fail(`${where}: confidence must be an integer 0-100`, 'confidence');
  for (const b of ['revoked', 'is_family', 'defanged'])
    if (v[b] !== undefined && typeof v[b] !== 'boolean')
      return fail(`${where}: ${b} must be true or false`, b);

  const specific = typeSpecific(type, v, where);
  return specific ?? ok(v as StixObject);
}

function typeSpecific(
  type: string,
  v: Record<string, unknown>,
  where: string,
): Result<StixObject, Problem> | undefined {
  switch (type) {
    case 'indicator':
      if (typeof v.pattern !== 'string' || v.pattern.length === 0)
        return fail(`${where}: pattern must be a non-empty string`, 'pattern');
      if (typeof v.pattern_type !== 'string')
        return fail(`${where}: pattern_type must be a string`, 'pattern_type');
      return undefined;
    case 'malware':
      if (v.is_family === true && typeof v.name !== 'string')
        return fail(`${where}: a malware family needs a name`, 'name');
      return undefined;
    case 'relationship':
      if (typeof v.relationship_type !== 'string' || !/^[a-z0-9-]+$/.test(v.relationship_type))
        return fail(
          `${where}: relationship_type must be lower case words joined by hyphens`,
          'relationship_type',
        );
      return undefined;
    case 'sighting':
      if (
        v.count !== undefined &&
        !(Number.isInteger(v.count) && (v.count as number) >= 0 && (v.count as number) <= 999_999_999)
      )
        return fail(`${where}: count must be an integer 0-999999999`, 'count');
      return undefined;
    case 'marking-definition':
      if (v.extensions === undefined && (v.definition_type === undefined || !isRecord(v.definition)))
        return fail(
          `${where}: a marking definition needs definition_type and definition, or extensions`,
          'definition',
        );
      return undefined;
    case 'ipv4-addr':
    case 'ipv6-addr':
    case 'domain-name':
    case 'url':
    case 'email-addr':
    case 'mac-addr':
      if (typeof v.value !== 'string' || v.value.length === 0)
        return fail(`${where}: value must be a non-empty string`, 'value');
      return undefined;
    case 'file':
      if (v.hashes === undefined && v.name === undefined)
        return fail(`${where}: a file needs hashes or a name`, 'hashes');
      return undefined;
    default:
      return undefined;
  }
}

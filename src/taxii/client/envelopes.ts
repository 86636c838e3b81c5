/**
 * Cut objects into TAXII envelopes no larger than the API root's max_content_length (TAXII 2.1,
 * 4.1.1: a server answers 413 to a bigger request). Objects are JSON texts sent as they are stored,
 * byte for byte. Pure.
 */

export interface EnvelopePlan {
  /** Each envelope's objects (indexes into the input), in input order. */
  readonly envelopes: ReadonlyArray<readonly number[]>;
  /** Objects too large for an envelope of their own: they cannot be sent to this server. */
  readonly tooLarge: readonly number[];
}

const OPEN = '{"objects":[';
const CLOSE = ']}';
const FRAME = Buffer.byteLength(OPEN) + Buffer.byteLength(CLOSE);

/** The envelope body for some object texts. */
export function envelopeText(objects: readonly string[]): string {
  return `${OPEN}${objects.join(',')}${CLOSE}`;
}

/**
 * Plan envelopes of at most `maxBytes` bytes (UTF-8) and at most `maxObjects` objects each.
 * `maxBytes` undefined or 0: no byte limit.
 */
export function planEnvelopes(
  objects: readonly string[],
  maxBytes: number | undefined,
  maxObjects = 1000,
): EnvelopePlan {
  const limit = maxBytes && maxBytes > 0 ? maxBytes : Number.POSITIVE_INFINITY;
  const envelopes: number[][] = [];
  const tooLarge: number[] = [];
  let current: number[] = [];
  let size = FRAME;
  for (const [i, text] of objects.entries()) {
    const n = Buffer.byteLength(text);
    if (FRAME + n > limit) {
      tooLarge.push(i);
      continue;
    }
    const add = n + (current.length > 0 ? 1 : 0); // the comma
    if (current.length > 0 && (size + add > limit || current.length >= maxObjects)) {
      envelopes.push(current);
      current = [];
      size = FRAME;
    }
    size += n + (current.length > 0 ? 1 : 0);
    current.push(i);
  }
  if (current.length > 0) envelopes.push(current);
  return { envelopes, tooLarge };
}

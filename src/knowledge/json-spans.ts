/**
 * Where each element of a JSON document's top-level "objects" array starts and ends in the text,
 * so import can store every object exactly as it was received (numbers beyond 2^53, escapes and
 * key order included) instead of a re-serialisation. Run only on text JSON.parse accepted.
 */

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function skipWs(t: string, i: number): number {
  while (i < t.length && WS.has(t.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string starting at i (t[i] is '"'). */
function skipString(t: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = t.indexOf('"', j);
    if (q < 0) return t.length;
    let b = q - 1;
    while (t.charCodeAt(b) === 0x5c) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Index just past the value starting at i. */
function skipValue(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 0x22) return skipString(t, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    let j = i;
    while (j < t.length) {
      const d = t.charCodeAt(j);
      if (d === 0x22) {
        j = skipString(t, j);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return t.length;
  }
  let j = i;
  while (j < t.length) {
    const d = t.charCodeAt(j);
    if (d === 0x2c || d === 0x7d || d === 0x5d || WS.has(d)) break;
    j++;
  }
  return j;
}

/** [start, end) of each element of the top-level "objects" array (the last one, as JSON.parse). */
export function objectSpans(t: string): Array<readonly [number, number]> | undefined {
  let i = skipWs(t, t.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (t.charCodeAt(i) !== 0x7b) return undefined;
  i = skipWs(t, i + 1);
  let found: Array<readonly [number, number]> | undefined;
  while (i < t.length && t.charCodeAt(i) === 0x22) {
    const keyEnd = skipString(t, i);
    const key = JSON.parse(t.slice(i, keyEnd)) as string;
    i = skipWs(t, keyEnd);
    i = skipWs(t, i + 1); // ':'
    if (key === 'objects' && t.charCodeAt(i) === 0x5b) {
      const spans: Array<readonly [number, number]> = [];
      i = skipWs(t, i + 1);
      while (i < t.length && t.charCodeAt(i) !== 0x5d) {
        const end = skipValue(t, i);
        spans.push([i, end]);
        i = skipWs(t, end);
        if (t.charCodeAt(i) === 0x2c) i = skipWs(t, i + 1);
      }
      i++;
      found = spans;
    } else i = skipValue(t, i);
    i = skipWs(t, i);
    if (t.charCodeAt(i) === 0x2c) i = skipWs(t, i + 1);
  }
  return found;
}

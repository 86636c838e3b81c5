import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectSpans } from './json-spans.js';

describe('objectSpans', () => {
  it('finds each element of the top-level objects array exactly, whatever the strings contain', () => {
    const a = '{"type":"x","name":"a \\"]}, {\\\\","n":[1,{"b":"}"}]}';
    const b = ' 12345678901234567890 ';
    const text = `\ufeff{ "objects" : [ ${a} ,\n${b.trim()}, "s\\\\" ], "id": "bundle--x", "more": {"objects": [0]} }`;
    const spans = objectSpans(text) ?? [];
    expect(spans.map(([s, e]) => text.slice(s, e))).toEqual([a, '12345678901234567890', '"s\\\\"']);
  });

  it('takes the last "objects" key, as JSON.parse does, and says when there is none', () => {
    const text = '{"objects":[1],"objects":[2,3]}';
    expect(objectSpans(text)?.map(([s, e]) => text.slice(s, e))).toEqual(['2', '3']);
    expect(objectSpans('{"type":"bundle"}')).toBeUndefined();
    expect(objectSpans('[1]')).toBeUndefined();
  });

  it('property: the spans parse to the parsed elements, for any JSON', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.boolean(), (objects, pretty) => {
        const text = JSON.stringify(
          { type: 'bundle', objects, after: objects },
          null,
          pretty ? 2 : undefined,
        );
        const spans = objectSpans(text) ?? [];
        expect(spans.map(([s, e]) => JSON.parse(text.slice(s, e)))).toEqual(JSON.parse(text).objects);
      }),
      { numRuns: 300 },
    );
  });
});

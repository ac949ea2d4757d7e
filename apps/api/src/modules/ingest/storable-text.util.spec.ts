import { describe, expect, it } from '@jest/globals';

import { unstorableText } from './storable-text.util.js';

describe('unstorableText', () => {
  it('accepts any well-formed text, emoji included', () => {
    expect(unstorableText({ events: [{ user: { username: 'zoë 🙂', groups: ['a'] } }] }, 'body')).toEqual([]);
  });

  it('names each value or key with a NUL or a lone surrogate', () => {
    const sut = unstorableText({ events: [{ user: { username: 'a\u0000b', groups: ['ok', '\ud800'] } }], ['k\u0000']: 1 }, 'body');
    expect(sut.map((issue) => issue.path)).toEqual(['body.events[0].user.username', 'body.events[0].user.groups[1]', 'body["k\\u0000"]']);
    expect(sut[0]!.message).toContain('NUL');
    expect(sut[1]!.message).toContain('surrogate');
  });

  it('stops counting after twenty issues', () => {
    expect(unstorableText({ list: Array.from({ length: 50 }, () => '\u0000') }, 'body')).toHaveLength(20);
  });
});

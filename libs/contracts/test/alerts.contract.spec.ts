import { describe, expect, it } from '@jest/globals';

import { OutboundUrl, WebhookChannelConfig } from '../src/alerts.contract.js';

describe('OutboundUrl', () => {
  it('reports text that is no URL as an issue instead of throwing', () => {
    const sut = OutboundUrl.safeParse('not a url');
    expect(sut.success).toBe(false);
    expect(sut.error?.issues.map((issue) => issue.message)).toEqual(['must be an http:// or https:// URL']);
  });

  it('refuses credentials in the URL and other schemes', () => {
    expect(OutboundUrl.safeParse('https://user:secret@hooks.example.com/x').error?.issues.map((issue) => issue.message)).toEqual([
      'must not carry a user name or password',
    ]);
    expect(OutboundUrl.safeParse('ftp://hooks.example.com/x').success).toBe(false);
  });

  it('accepts an https URL, and names the field inside a channel config', () => {
    expect(OutboundUrl.parse('https://hooks.example.com/ratchet')).toBe('https://hooks.example.com/ratchet');
    expect(WebhookChannelConfig.safeParse({ url: 'nope' }).error?.issues[0]?.path).toEqual(['url']);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64Url, codeChallenge, sha256 } from './pkce';

describe('PKCE', () => {
  it('computes the RFC 7636 appendix B challenge', async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('hashes like node:crypto without crypto.subtle, across block boundaries', () => {
    for (const length of [0, 3, 55, 56, 64, 119, 200]) {
      const data = new Uint8Array(length).map((_, i) => (i * 31) % 256);
      expect(base64Url(sha256(data))).toBe(createHash('sha256').update(data).digest('base64url'));
    }
  });
});

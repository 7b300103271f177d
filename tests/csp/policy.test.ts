import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src/csp.ts';

/** The policy's directives by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((d) => {
      const [name = '', ...sources] = d.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('the Content-Security-Policy', () => {
  const header = directives(contentSecurityPolicy({ delivery: 'header' }));

  it('allows only the own origin, its workers and WebAssembly: no inline script or style, no eval', () => {
    expect(header.get('default-src')).toEqual(["'self'"]);
    expect(header.get('script-src')).toContain("'wasm-unsafe-eval'");
    expect(header.get('worker-src')).toEqual(["'self'"]);
    expect(header.get('object-src')).toEqual(["'none'"]);
    for (const [name, sources] of header) {
      for (const loose of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) {
        expect(sources, name).not.toContain(loose);
      }
      if (name !== 'img-src') expect(sources, name).not.toContain('blob:');
    }
  });

  it('keeps header-only directives out of the meta tag, which browsers would ignore with a warning', () => {
    const meta = directives(contentSecurityPolicy({ delivery: 'meta', reportUri: '/r' }));
    expect(header.get('frame-ancestors')).toEqual(["'none'"]);
    expect(meta.has('frame-ancestors')).toBe(false);
    expect(meta.has('report-uri')).toBe(false);
    expect([...meta.keys()]).toEqual([...header.keys()].filter((k) => k !== 'frame-ancestors'));
  });

  it('adds report-uri to the header when asked (the end-to-end tests collect violations)', () => {
    const reporting = directives(contentSecurityPolicy({ delivery: 'header', reportUri: '/r' }));
    expect(reporting.get('report-uri')).toEqual(['/r']);
    expect(header.has('report-uri')).toBe(false);
  });
});

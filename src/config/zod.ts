import { z } from 'zod';

/*
 * Zod, set up once for every schema of the app: import `z` from here, not from 'zod'.
 *
 * Jitless: Zod would otherwise probe `new Function('')` to compile faster object parsers, and the
 * app's Content-Security-Policy (src/csp.ts) forbids eval, so in the page and its workers the
 * probe is a reported violation. Zod reads this setting when a schema is built, which is why it is
 * set here, before any module that builds one runs. Validation is the same; only a little slower,
 * on inputs (configs, imported runs) that are small.
 */
z.config({ jitless: true });

export { z };

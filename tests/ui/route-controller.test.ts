import { describe, expect, it } from 'vitest';
import {
  hashToWrite,
  RouteController,
  type RouteWindow,
  routeFromHash,
} from '../../src/ui/app/route-controller.ts';
import { DEFAULT_STUDY } from '../../src/ui/model/presets.ts';
import type { Study } from '../../src/ui/model/study.ts';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { fakeHost } from './helpers.ts';

/**
 * A link written before the rename (`{config: {devices: 4, steps: 30}, compare: bnSync local,
 * sync}`): links already shared must keep opening on the same study.
 */
const OLD_LINK =
  '#x=eyJjb25maWciOnsiZGV2aWNlcyI6NCwic3RlcHMiOjMwfSwiY29tcGFyZSI6eyJmaWVsZCI6ImJuU3luYyIsInZhbHVlcyI6WyJsb2NhbCIsInN5bmMiXX19';

const other: Study = {
  config: { ...DEFAULT_STUDY.config, devices: 2 },
  compare: null,
};

/** A window with an address bar and a history that records what was written. */
function fakeWindow(hash = '') {
  const listeners = new Set<() => void>();
  const written: string[] = [];
  const win = {
    location: { hash },
    history: {
      replaceState(_data: unknown, _unused: string, url: string) {
        written.push(url);
        win.location.hash = url;
      },
    },
    addEventListener(_type: 'hashchange', l: () => void) {
      listeners.add(l);
    },
    removeEventListener(_type: 'hashchange', l: () => void) {
      listeners.delete(l);
    },
    /** The user edits the address (or follows a link on the same page). */
    navigate(to: string) {
      win.location.hash = to;
      for (const l of listeners) l();
    },
    listeners,
    written,
  };
  return win satisfies RouteWindow;
}

describe('routeFromHash', () => {
  it('an empty hash keeps what the page shows', () => {
    expect(routeFromHash('')).toBeNull();
    expect(routeFromHash('#')).toBeNull();
  });

  it('opens a link written before the rename on the same study', () => {
    const route = routeFromHash(OLD_LINK);
    expect(route?.message).toBeNull();
    expect(route?.study.config).toMatchObject({ devices: 4, steps: 30 });
    expect(route?.study.compare).toEqual({ field: 'bnSync', values: ['local', 'sync'] });
  });

  it('a link that cannot be read shows the default study and says why', () => {
    const route = routeFromHash('#x=not json');
    expect(route?.study).toBe(DEFAULT_STUDY);
    expect(route?.message).toMatch(/could not be read.*default study is shown instead/);
  });
});

describe('hashToWrite', () => {
  it('writes nothing when the address already holds the study', () => {
    const hash = `#${encodeStudyHash(other)}`;
    expect(hashToWrite(hash, other)).toBeNull();
    expect(hashToWrite('', other)).toBe(hash);
  });
});

describe('RouteController', () => {
  it('opens on the study in the address, and follows the address when it changes', () => {
    const win = fakeWindow(OLD_LINK);
    const host = fakeHost();
    const route = new RouteController(host, win);
    expect(route.study.config).toMatchObject({ devices: 4 });
    host.connect();
    win.navigate('#x=%%%');
    expect(route.study).toBe(DEFAULT_STUDY);
    expect(route.message).toMatch(/could not be read/);
    expect(host.updates).toBeGreaterThan(0);
    host.disconnect();
    expect(win.listeners.size).toBe(0);
  });

  it('an empty address keeps the default study with no message', () => {
    const route = new RouteController(fakeHost(), fakeWindow(''));
    expect(route.study).toBe(DEFAULT_STUDY);
    expect(route.message).toBeNull();
  });

  it('an edit writes the study into the address (replaced, not pushed) and clears the message', () => {
    const win = fakeWindow('#x=%%%');
    const route = new RouteController(fakeHost(), win);
    expect(route.message).not.toBeNull();
    route.edited(other);
    expect(route.message).toBeNull();
    expect(win.written).toEqual([`#${encodeStudyHash(other)}`]);
    // The same study again: the address already holds it, nothing is written.
    route.edited(other);
    route.write(other);
    expect(win.written).toHaveLength(1);
    // The page's study follows the form, so a later render hands the form back the very study it
    // announced (which it keeps as typed), never the study it was first given (a preset picked in
    // the form was reset to the default by the next render of the page).
    expect(route.study).toBe(other);
  });

  it("shows a library run's settings without touching the address", () => {
    const win = fakeWindow('');
    const host = fakeHost();
    const route = new RouteController(host, win);
    route.show(other);
    expect(route.study).toBe(other);
    expect(host.updates).toBe(1);
    expect(win.written).toEqual([]);
  });
});

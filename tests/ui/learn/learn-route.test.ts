import { describe, expect, it } from 'vitest';
import {
  LearnRouteController,
  type LearnWindow,
} from '../../../src/ui/learn/learn-route-controller.ts';
import {
  clampStep,
  formatLearnHash,
  LEARN_STEP_KEY,
  parseLearnHash,
  rememberedStep,
  rememberStep,
  resolveStep,
} from '../../../src/ui/learn/learn-route.ts';
import { routeFromHash } from '../../../src/ui/app/route-controller.ts';

function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
  };
}

describe('the Learn view’s address', () => {
  it('reads #learn/N, #learn and nothing else', () => {
    expect(parseLearnHash('#learn/2')).toEqual({ step: 2 });
    expect(parseLearnHash('learn/12')).toEqual({ step: 12 });
    expect(parseLearnHash('#learn')).toEqual({ step: null });
    expect(parseLearnHash('#learn/')).toEqual({ step: null });
    expect(parseLearnHash('#learn/0')).toEqual({ step: null });
    expect(parseLearnHash('#learn/two')).toEqual({ step: null });
    expect(parseLearnHash('#learning')).toBeNull();
    expect(parseLearnHash('#x=eyJjb25maWciOnt9fQ')).toBeNull();
    expect(parseLearnHash('')).toBeNull();
    expect(formatLearnHash(3)).toBe('#learn/3');
  });

  it('clamps a step into the path and opens where the reader stopped', () => {
    expect(clampStep(0, 3)).toBe(1);
    expect(clampStep(9, 3)).toBe(3);
    expect(clampStep(Number.NaN, 3)).toBe(1);
    expect(resolveStep({ step: null }, 2, 3)).toBe(2);
    expect(resolveStep({ step: null }, null, 3)).toBe(1);
    expect(resolveStep({ step: 3 }, 2, 3)).toBe(3);
    expect(resolveStep({ step: 7 }, 2, 3)).toBe(3);
  });

  it('remembers the step, and survives unreadable or blocked storage', () => {
    const s = memoryStorage();
    expect(rememberedStep(s)).toBeNull();
    rememberStep(s, 2);
    expect(s.map.get(LEARN_STEP_KEY)).toBe('2');
    expect(rememberedStep(s)).toBe(2);
    expect(rememberedStep(memoryStorage({ [LEARN_STEP_KEY]: 'junk' }))).toBeNull();
    const blocked = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
    };
    expect(rememberedStep(blocked)).toBeNull();
    expect(() => rememberStep(blocked, 1)).not.toThrow();
  });

  it('is not mistaken for a broken study link (#x=… keeps working beside it)', () => {
    expect(routeFromHash('#learn/2')).toBeNull();
    expect(routeFromHash('#learn')).toBeNull();
    expect(routeFromHash('#nonsense')?.message).toMatch(/could not be read/);
  });
});

describe('LearnRouteController', () => {
  function fakeWindow(hash: string, storage = memoryStorage()) {
    const listeners = new Set<() => void>();
    const win: LearnWindow & { fire(h: string): void; replaced: string[] } = {
      location: { hash },
      replaced: [],
      history: {
        replaceState: (_d, _u, url) => {
          win.replaced.push(url);
          (win.location as { hash: string }).hash = url;
        },
      },
      localStorage: storage,
      addEventListener: (_t, l) => void listeners.add(l),
      removeEventListener: (_t, l) => void listeners.delete(l),
      fire(h: string) {
        (win.location as { hash: string }).hash = h;
        for (const l of listeners) l();
      },
    };
    return win;
  }
  const host = () => {
    let updates = 0;
    return {
      addController: () => {},
      removeController: () => {},
      requestUpdate: () => void updates++,
      updateComplete: Promise.resolve(true),
      get updates() {
        return updates;
      },
    };
  };

  it('opens #learn at the remembered step and writes the step into the address', () => {
    const storage = memoryStorage({ [LEARN_STEP_KEY]: '2' });
    const win = fakeWindow('#learn', storage);
    const c = new LearnRouteController(host(), win, 3);
    expect(c.active).toBe(true);
    expect(c.step).toBe(2);
    expect(win.replaced).toEqual(['#learn/2']);
  });

  it('follows the hash, remembers each step, and leaves for the lab', () => {
    const storage = memoryStorage();
    const win = fakeWindow('', storage);
    const h = host();
    const c = new LearnRouteController(h, win, 3);
    c.hostConnected();
    expect(c.active).toBe(false);
    win.fire('#learn/9');
    expect(c.step).toBe(3);
    expect(win.location.hash).toBe('#learn/3');
    expect(storage.map.get(LEARN_STEP_KEY)).toBe('3');
    win.fire('#learn/1');
    expect(storage.map.get(LEARN_STEP_KEY)).toBe('1');
    win.fire('#x=abc');
    expect(c.active).toBe(false);
    expect(h.updates).toBeGreaterThanOrEqual(3);
  });
});

import { describe, expect, it } from 'vitest';
import { openTestStore } from './helpers.ts';

describe('storage estimate and persistence', () => {
  it('report null where the browser offers nothing', async () => {
    const { store } = await openTestStore({ storage: null });
    expect(await store.storageEstimate()).toBeNull();
    expect(await store.requestPersistence()).toBeNull();
    await store.close();
  });

  it('pass through navigator.storage', async () => {
    const storage = {
      estimate: async () => ({ usage: 1234, quota: 10_000 }),
      persist: async () => true,
    };
    const { store } = await openTestStore({ storage });
    expect(await store.storageEstimate()).toEqual({ usage: 1234, quota: 10_000 });
    expect(await store.requestPersistence()).toBe(true);
    // Works on a closed store too: it does not touch the database.
    await store.close();
    expect(await store.storageEstimate()).toEqual({ usage: 1234, quota: 10_000 });
  });
});

/**
 * Training in this thread (in-process hosts, single-device experiments) resolves its promises as
 * microtasks and never returns to the event loop on its own, so a Ctrl-C would wait for the whole
 * experiment; worse, tsx's parent process SIGKILLs a child that has not acknowledged a signal
 * within ~60 ms. A yielder returns to the event loop whenever `intervalMs` of work has passed.
 */
export function makeYielder(intervalMs = 15): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < intervalMs) return undefined;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        last = performance.now();
        resolve();
      }, 0),
    );
  };
}

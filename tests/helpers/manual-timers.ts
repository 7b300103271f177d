/** Hand-driven timers for tests of pacing code: time moves only when the test says so. */
export class ManualTimers {
  t = 0;
  private timers: { at: number; fn: () => void }[] = [];
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (h: unknown): void => {
    this.timers = this.timers.filter((x) => x !== h);
  };

  /** Move time in 1 ms steps; at each, `tick` runs, then the timers that are due fire. */
  advance(ms: number): void {
    for (let i = 0; i < ms; i++) {
      this.t++;
      this.tick();
      for (const timer of this.timers.filter((x) => x.at <= this.t)) {
        this.timers = this.timers.filter((x) => x !== timer);
        timer.fn();
      }
      this.afterTimers();
    }
  }

  /** Each millisecond, before timers (subclasses: frames). */
  protected tick(): void {}

  /** Each millisecond, after timers (subclasses: run queued tasks). */
  protected afterTimers(): void {}
}

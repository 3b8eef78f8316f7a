/**
 * A count of events over a sliding window, in fixed steps whose buckets are reused as time comes round
 * again: constant memory whatever the traffic, exact to one step.
 */
export class SlidingWindowCount {
  private readonly counts: number[];
  private readonly steps: number[];
  private readonly stepMs: number;

  constructor(windowMs: number, stepMs: number) {
    const size = Math.max(1, Math.ceil(windowMs / stepMs));
    this.stepMs = stepMs;
    this.counts = new Array<number>(size).fill(0);
    this.steps = new Array<number>(size).fill(-1);
  }

  add(now: number): void {
    const step = Math.floor(now / this.stepMs);
    const slot = step % this.counts.length;
    const held = this.steps[slot] ?? -1;
    if (held > step) return; // older than anything the window still holds
    if (held !== step) {
      this.steps[slot] = step;
      this.counts[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + 1;
  }

  total(now: number): number {
    const step = Math.floor(now / this.stepMs);
    let total = 0;
    for (let slot = 0; slot < this.counts.length; slot++) {
      const held = this.steps[slot] ?? -1;
      if (held > step - this.counts.length && held <= step) total += this.counts[slot] ?? 0;
    }
    return total;
  }
}

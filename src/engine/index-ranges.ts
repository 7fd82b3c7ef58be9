/**
 * A set of non-negative integers kept as sorted, disjoint half-open ranges: small for the spool's
 * indices, which are written and removed in long runs.
 */
export class IndexRanges {
  /** Range starts, ascending. */
  readonly #starts: number[] = [];
  /** Range ends (exclusive), parallel to `#starts`. */
  readonly #ends: number[] = [];

  /** Adds the indices `start` to `end - 1`. */
  add(start: number, end: number): void {
    if (end <= start) return;
    const last = this.#ends.length - 1;
    if (last < 0 || start > this.#ends[last]!) {
      this.#starts.push(start);
      this.#ends.push(end);
      return;
    }
    // Merge with every range it touches.
    const first = this.#firstEndingAtOrAfter(start);
    let through = first;
    while (through < this.#starts.length && this.#starts[through]! <= end) through += 1;
    if (through > first) {
      start = Math.min(start, this.#starts[first]!);
      end = Math.max(end, this.#ends[through - 1]!);
    }
    this.#starts.splice(first, through - first, start);
    this.#ends.splice(first, through - first, end);
  }

  /** Whether `index` is in the set. */
  has(index: number): boolean {
    const at = this.#firstEndingAtOrAfter(index + 1);
    return at < this.#starts.length && this.#starts[at]! <= index;
  }

  /** How many indices of the set are not in `other`. */
  countWithout(other: IndexRanges): number {
    let count = 0;
    let o = 0;
    for (let r = 0; r < this.#starts.length; r++) {
      let at = this.#starts[r]!;
      const end = this.#ends[r]!;
      while (at < end) {
        while (o < other.#starts.length && other.#ends[o]! <= at) o += 1;
        const otherStart = o < other.#starts.length ? other.#starts[o]! : Infinity;
        if (otherStart > at) {
          const until = Math.min(end, otherStart);
          count += until - at;
          at = until;
        } else at = Math.min(end, other.#ends[o]!);
      }
    }
    return count;
  }

  /** The first range whose end is at or after `value` (binary search). */
  #firstEndingAtOrAfter(value: number): number {
    let low = 0;
    let high = this.#ends.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#ends[mid]! < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

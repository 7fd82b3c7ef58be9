/**
 * Object and array payloads → one leaf per value, named by its path: `{room: {temp: 21}}` →
 * `room_temp`, `[1, 2]` under `t` → `t_0`, `t_1`. Dates, locations and anything that is not an
 * array or plain object are leaves; empty objects and arrays give nothing.
 */
import { types } from 'node:util';
import type { Collector } from './collector';
import { locationKeys } from './location';
import { MAX_DEPTH, RULES } from './rules';
import { isPlainObject } from './value';

/**
 * Walks `root` (an array or plain object) and hands every leaf to `sink`.
 * Cycles, nesting deeper than {@link MAX_DEPTH} and throwing getters or Proxy traps become
 * problems, and so do repeated keys; the walk stops when the sink is full.
 *
 * @param base - Key the paths start from (`keyPrefix`, key option); `undefined` for none.
 * @returns false when the sink is full.
 */
export function flatten(root: object, base: string | undefined, separator: string, sink: Collector): boolean {
  sink.refuseRepeatedKeys();
  return walkContainer(root, base, 0, { separator, sink, ancestors: new Set() });
}

interface Walk {
  separator: string;
  sink: Collector;
  /** Containers on the current path: meeting one again is a cycle (a shared object is not). */
  ancestors: Set<object>;
}

function walkValue(v: unknown, key: string, depth: number, walk: Walk): boolean {
  if (typeof v !== 'object' || v === null) return walk.sink.add(key, v);
  let container: boolean;
  try {
    container = Array.isArray(v) || (!types.isDate(v) && isPlainObject(v) && !locationKeys(Object.keys(v)));
  } catch (err) {
    return walk.sink.problem(key, 'value', RULES.listable, err);
  }
  return container ? walkContainer(v, key, depth, walk) : walk.sink.add(key, v);
}

function walkContainer(v: object, key: string | undefined, depth: number, walk: Walk): boolean {
  const { sink, ancestors } = walk;
  if (ancestors.has(v)) return sink.problem(key ?? '', 'value', RULES.circular, v);
  if (depth >= MAX_DEPTH) return sink.problem(key ?? '', 'value', RULES.depth, v);
  let names: readonly string[] | number;
  try {
    names = Array.isArray(v) ? v.length : Object.keys(v);
  } catch (err) {
    return sink.problem(key ?? '', 'value', RULES.listable, err);
  }
  ancestors.add(v);
  try {
    const count = typeof names === 'number' ? names : names.length;
    for (let i = 0; i < count; i++) {
      const name = typeof names === 'number' ? String(i) : names[i];
      const childKey = key === undefined ? name : key + walk.separator + name;
      let child: unknown;
      try {
        child = (v as Record<string, unknown>)[name];
      } catch (err) {
        if (!sink.problem(childKey, 'value', RULES.readable, err)) return false;
        continue;
      }
      if (!walkValue(child, childKey, depth + 1, walk)) return false;
    }
    return true;
  } finally {
    ancestors.delete(v);
  }
}

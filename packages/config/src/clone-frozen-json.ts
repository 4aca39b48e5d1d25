import { DEFAULT_ALBERT_CONFIG_LIMITS } from './albert-config-limits.js';
import { fail, type CheckContext } from './config-field-checks.js';

// Internal: copies of JSON values kept verbatim in a config (unknown fields), without recursion so that
// no nesting depth can overflow the stack, and with every key defined as data (a key named
// `__proto__` stays a key).

function defineEntry(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A deep copy of a JSON value (objects, arrays, strings, numbers, booleans, null), frozen when
 * `freeze` is true. Walks with an explicit stack; nesting deeper than `context.limits.maximumDepth`
 * is an error, as are values JSON cannot hold.
 *
 * @throws ConfigError `CONFIG_TOO_DEEP` naming `field`, or `CONFIG_INVALID_TYPE` for a non-JSON value.
 */
export function cloneJsonValue(value: unknown, field: string, context: CheckContext, freeze: boolean): unknown {
  const maximumDepth = context.limits?.maximumDepth ?? DEFAULT_ALBERT_CONFIG_LIMITS.maximumDepth;
  const copyOf = (
    item: unknown,
    depth: number,
    pending: [unknown, Record<string, unknown> | unknown[], number][],
  ): unknown => {
    if (item === null || typeof item === 'string' || typeof item === 'boolean') return item;
    if (typeof item === 'number') return Number.isFinite(item) ? item : null; // as JSON.stringify writes it
    if (typeof item !== 'object') {
      return fail('CONFIG_INVALID_TYPE', `${field} holds a ${typeof item}, which JSON cannot hold`, context, { field });
    }
    if (depth > maximumDepth) {
      fail(
        'CONFIG_TOO_DEEP',
        `${field} nests arrays/objects deeper than ${maximumDepth} levels; if the config is trusted, raise the limit maximumDepth with the limits option`,
        context,
        { field, limit: 'maximumDepth', expected: `<= ${maximumDepth}` },
      );
    }
    const copy: Record<string, unknown> | unknown[] = Array.isArray(item) ? new Array<unknown>(item.length) : {};
    pending.push([item, copy, depth]);
    return copy;
  };
  const pending: [unknown, Record<string, unknown> | unknown[], number][] = [];
  const root = copyOf(value, 1, pending);
  const built: (Record<string, unknown> | unknown[])[] = [];
  while (pending.length > 0) {
    const [source, copy, depth] = pending.pop()!;
    built.push(copy);
    if (Array.isArray(source)) {
      for (let index = 0; index < source.length; index += 1)
        defineEntry(copy, index, copyOf(source[index], depth + 1, pending));
    } else {
      for (const [key, item] of Object.entries(source as Record<string, unknown>))
        defineEntry(copy, key, copyOf(item, depth + 1, pending));
    }
  }
  if (freeze) for (const copy of built) Object.freeze(copy);
  return root;
}

/** {@link cloneJsonValue}, frozen. */
export function cloneFrozenJson(value: unknown, field: string, context: CheckContext): unknown {
  return cloneJsonValue(value, field, context, true);
}

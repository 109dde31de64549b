/**
 * A Map for the per-device state that almost always holds one entry (a device session's rooms
 * on a typical device, a socket's subscriptions). A `Map` allocates a hash table on creation
 * (~150 bytes with its header, even empty), and one lives as long as each connected device:
 * thousands per process. This keeps a single entry in two fields and makes a `Map` only when a
 * second key arrives; from then on it is that Map (it does not shrink back).
 *
 * Same semantics as Map for what it offers: keys compare by SameValueZero, iteration is in
 * insertion order, setting an existing key keeps its place.
 */
export class SmallMap<K, V> {
  private oneKey: K | undefined = undefined;
  private oneValue: V | undefined = undefined;
  private hasOne = false;
  private many: Map<K, V> | undefined = undefined;

  get size(): number {
    if (this.many) return this.many.size;
    return this.hasOne ? 1 : 0;
  }

  has(key: K): boolean {
    if (this.many) return this.many.has(key);
    return this.hasOne && sameValueZero(this.oneKey, key);
  }

  get(key: K): V | undefined {
    if (this.many) return this.many.get(key);
    return this.hasOne && sameValueZero(this.oneKey, key) ? this.oneValue : undefined;
  }

  set(key: K, value: V): this {
    if (this.many) {
      this.many.set(key, value);
    } else if (!this.hasOne || sameValueZero(this.oneKey, key)) {
      this.oneKey = key;
      this.oneValue = value;
      this.hasOne = true;
    } else {
      // The entry already held comes first, as it would in a Map.
      this.many = new Map([[this.oneKey as K, this.oneValue as V]]);
      this.many.set(key, value);
      this.clearOne();
    }
    return this;
  }

  delete(key: K): boolean {
    if (this.many) return this.many.delete(key);
    if (!this.hasOne || !sameValueZero(this.oneKey, key)) return false;
    this.clearOne();
    return true;
  }

  clear(): void {
    this.many?.clear();
    this.clearOne();
  }

  keys(): IterableIterator<K> {
    if (this.many) return this.many.keys();
    return (this.hasOne ? [this.oneKey as K] : []).values();
  }

  values(): IterableIterator<V> {
    if (this.many) return this.many.values();
    return (this.hasOne ? [this.oneValue as V] : []).values();
  }

  entries(): IterableIterator<[K, V]> {
    if (this.many) return this.many.entries();
    return (this.hasOne ? [[this.oneKey as K, this.oneValue as V] as [K, V]] : []).values();
  }

  private clearOne(): void {
    // Dropped, not only flagged: a removed entry's value (a session, a closure) must not stay
    // reachable from here.
    this.oneKey = undefined;
    this.oneValue = undefined;
    this.hasOne = false;
  }
}

/** Map's key equality: `===`, except that NaN equals NaN. */
function sameValueZero(a: unknown, b: unknown): boolean {
  // biome-ignore lint/suspicious/noSelfCompare: NaN is the only value not equal to itself.
  return a === b || (a !== a && b !== b);
}

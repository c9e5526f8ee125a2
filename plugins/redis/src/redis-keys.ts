/**
 * Key layout. Every key has a hash tag ({...}) so that each script call touches one hash slot and
 * the same code runs on Redis Cluster. The groups of one window are spread over `buckets` hashes,
 * so a hot window is not one hot key (nor one hot shard).
 * - `<p>:v:{<view>:<window>:<bucket>}`  hash: `c<i>\x1f<group>` cell values, `f<topic>\x1f<partition>\x1f<group>` fences
 * - `<p>:w:{<view>}`                    sorted set of the view's windows with data
 * - `<p>:n:{<view>}`                    hash: newest event time applied
 * - `<p>:m:{<view>}`                    hash: the highest cutoff marked (markCutoff)
 * - `<p>:g:{<view>}`                    hash: the version of the view's windows (standalone server only)
 * - `<p>:p:{<consumer>:<topic>}`        hash: partition → last fully applied offset
 * - `<p>:i:{<stream>:<key>}`         string: the position of the event that claimed a dedupe key, with its expiry
 * - `<p>:l:{<p>:alerts}:<name>`         string: a lease's holder token, with its expiry
 * - `<p>:a:{<p>:alerts}`                hash: alert state key → JSON (in the leases' hash slot, so that
 *                                       a write checks the lease in the same script)
 */
export class RedisKeys {
  constructor(
    readonly prefix: string,
    readonly buckets: number,
  ) {}

  bucketOf(group: string): number {
    let h = 0x811c9dc5
    for (let i = 0; i < group.length; i++) {
      h ^= group.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
    return (h >>> 0) % this.buckets
  }
  bucket(view: string, windowStart: number, bucket: number): string {
    return `${this.bucketPrefix(view)}${windowStart}:${bucket}}`
  }
  /** What every bucket key of a view starts with (the window start, bucket and closing brace follow). */
  bucketPrefix(view: string): string {
    return `${this.prefix}:v:{${view}:`
  }
  windows(view: string): string {
    return `${this.prefix}:w:{${view}}`
  }
  marked(view: string): string {
    return `${this.prefix}:m:{${view}}`
  }
  version(view: string): string {
    return `${this.prefix}:g:{${view}}`
  }
  newest(view: string): string {
    return `${this.prefix}:n:{${view}}`
  }
  progress(consumer: string, topic: string): string {
    return `${this.prefix}:p:{${consumer}:${topic}}`
  }
  idClaim(stream: string, key: string): string {
    return `${this.prefix}:i:{${stream}:${key}}`
  }
  lease(name: string): string {
    return `${this.prefix}:l:{${this.prefix}:alerts}:${name}`
  }
  alertStates(): string {
    return `${this.prefix}:a:{${this.prefix}:alerts}`
  }
}

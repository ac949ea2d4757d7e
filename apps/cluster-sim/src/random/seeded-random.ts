import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

type Generator = ReturnType<typeof xoroshiro128plus>;

// Kubernetes' rand.String alphabet (k8s.io/apimachinery/pkg/util/rand): no vowels, no 0/1/3, so generated
// names never spell words and never confuse 0/O or 1/l.
const KUBE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The one source of randomness of the simulator: a seeded xoroshiro128+ stream (pure-rand). Every
 * generated name, uid and choice comes from here, so the same seed gives the same cluster and scenario.
 */
export class SeededRandom {
  private readonly generator: Generator;

  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed);
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return uniformInt(this.generator, min, max);
  }

  /** True with probability `p` (0..1), in steps of 1/10,000. */
  chance(p: number): boolean {
    return this.int(0, 9999) < Math.round(p * 10000);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** A kube-style random suffix, as generateName and the ReplicaSet pod-template-hash use. */
  kubeSuffix(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += KUBE_NAME_ALPHABET[this.int(0, KUBE_NAME_ALPHABET.length - 1)];
    return out;
  }

  /** A version-4 UUID string drawn from the seeded stream (metadata.uid, auditID). */
  uuid(): string {
    const hex = (n: number) => {
      let out = '';
      for (let i = 0; i < n; i++) out += this.int(0, 15).toString(16);
      return out;
    };
    const variant = (8 + this.int(0, 3)).toString(16);
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  }
}

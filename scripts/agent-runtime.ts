// How the agent's Node process is started, in one place: `npm run start:agent`, docker/agent.Dockerfile (ENV
// NODE_OPTIONS, ENV MALLOC_ARENA_MAX and CMD), the demo (scripts/start.ts) and `npm run bench:agent` use these, and
// test/docker-images.spec.ts checks that the npm script and the image say the same. Why each: docs/agent.md, Resources.
// Erasable TypeScript only: Node runs the scripts that import this directly.

/** V8 heap sizing: a 1 MB young generation, a 128 MB old-space ceiling. Allowed in NODE_OPTIONS, so the image
 * sets them there and a very large cluster can raise the ceiling with the pod's environment alone. */
export const AGENT_HEAP_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=128'] as const;

/** WebAssembly stays on its baseline compiler (Liftoff): tiering undici's HTTP parser up to TurboFan costs a 15 MB
 * burst of compiler memory at the first sync, for a parser that is not the agent's bottleneck. V8 refuses these
 * in NODE_OPTIONS, so they go on the command line. */
export const AGENT_V8_FLAGS = ['--no-wasm-tier-up', '--no-wasm-dynamic-tiering'] as const;

/** Every Node flag the agent ships with, in the order `npm run start:agent` gives them. */
export const AGENT_NODE_FLAGS: readonly string[] = [...AGENT_HEAP_FLAGS, ...AGENT_V8_FLAGS];

/** One glibc malloc arena: V8's compiler and GC threads then reuse what the main thread freed. */
export const AGENT_ENV = { MALLOC_ARENA_MAX: '1' } as const;

/** The built agent (apps/agent/bundle.ts). */
export const AGENT_ENTRY = 'apps/agent/dist/main.js';

// The evaluator alone, for callers that start often and need only a verdict (`ratchet eval --jsonl`): the
// package root also loads manifest parsing and remediation, and with them two YAML libraries, which cost a
// process about half a second of module loading on every start.
export type { Level } from './api/level.js';
export { PssInputError, isLevel } from './api/level.js';
export type { PolicyVersion } from './api/version.js';
export { parseVersion } from './api/version.js';
export type { Evaluation } from './policy/evaluate.js';
export { evaluatePod } from './policy/evaluate.js';
export { projectPod } from './projection/project-pod.js';
export { isValidPod, validatePod } from './projection/validate-pod.js';

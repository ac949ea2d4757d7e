type Fields = Record<string, unknown>;

// The lists Kubernetes' strategic merge patch merges by container name; every other list is replaced whole.
const CONTAINER_LISTS = new Set(['initContainers', 'containers', 'ephemeralContainers']);

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeContainers(target: unknown[], patch: unknown[]): unknown[] {
  const merged = [...target];
  for (const item of patch) {
    const name = isFields(item) ? item.name : undefined;
    const at = merged.findIndex((container) => isFields(container) && container.name === name);
    if (at === -1) merged.push(item);
    else merged[at] = strategicMerge(merged[at], item);
  }
  return merged;
}

/**
 * Applies a patch the way `kubectl patch --type strategic` does for the fields a securityContext patch
 * touches: objects merge key by key, containers merge by name, other values (including lists) replace.
 * Returns a new value; never mutates.
 */
export function strategicMerge(target: unknown, patch: unknown, key = ''): unknown {
  if (Array.isArray(patch)) {
    return CONTAINER_LISTS.has(key) && Array.isArray(target) ? mergeContainers(target, patch) : patch;
  }
  if (!isFields(patch)) return patch;
  const merged: Fields = isFields(target) ? { ...target } : {};
  for (const [field, value] of Object.entries(patch)) merged[field] = strategicMerge(merged[field], value, field);
  return merged;
}

/** Cookie holding the organization the user last switched to (an id, not a secret; the API checks membership). */
export const ORG_COOKIE = 'ratchet_org';
/** Header naming the organization a request acts in. */
export const ORG_HEADER = 'x-ratchet-org';

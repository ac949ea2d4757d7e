// Moved to the workspace's shared test support, which the API's and the worker's tests both use.
export * from '../../../../test/support/test-smtp-server.js';

// The three parts of undici the fetcher uses (fetcher.ts imports them from 'undici'), for the bundles: undici's
// own index also loads fetch, WebSocket, cookies, caches and mocks, and with them Node's built-in copy of undici,
// which made loading the index module one 50-60 ms step on the event loop (26-34 ms with these alone).
// scripts/build.mjs resolves 'undici' to this file; the sources and their tests use undici itself. An import of
// anything else from 'undici' fails the build here ("No matching export") rather than at run time.

import Agent from 'undici/lib/dispatcher/agent.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import api from 'undici/lib/api/index.js';
import util from 'undici/lib/core/util.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';

// As undici's index does: dispatchers get request(), connect() and the rest (a proxy agent tunnels with connect(); without it, every request through HTTP_PROXY failed).
Object.assign(Dispatcher.prototype, api);

/** undici's top-level `request` (its index.js `makeDispatcher(api.request)`), for a request given its dispatcher. */
function request(url, opts) {
  if (!opts || typeof opts !== 'object' || !opts.dispatcher) throw new TypeError('request() needs opts.dispatcher in the bundled server');
  const parsed = util.parseURL(url);
  const path = parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname;
  return api.request.call(opts.dispatcher, { ...opts, origin: parsed.origin, path, method: opts.method || (opts.body ? 'PUT' : 'GET') });
}

export { Agent, EnvHttpProxyAgent, request };

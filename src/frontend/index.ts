// The HTTP frontend: uWebSockets.js, OAuth wire protocol, health, readiness and metrics.
export { type Frontend, type FrontendOptions, startFrontend } from './app.js';
export { type FrontendContext, FrontendMetrics, type Readiness } from './context.js';
export { metadataDocument } from './endpoints/metadata.js';
export { Counter, Gauge, Histogram, Registry, latencyBuckets } from './lib/prometheus.js';
export { type StreamGrant, type StreamOptions, type StreamRefusal, type TokenStreamAccess, TokenStreamService, streamContext } from './stream-access.js';

// Server configuration: the typed options table and its loader.
export { ConfigError, loadConfig } from './load.js';
export { type Config, type OptionSpec, type Role, defaultIssuer, options, roles } from './options.js';

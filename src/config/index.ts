// Server configuration: the typed options table and its loader.
export { ConfigError, loadConfig } from './load.js';
export { type Config, type OptionSpec, options } from './options.js';

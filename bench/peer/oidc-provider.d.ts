// Minimal typing of node-oidc-provider (it ships none), only what bench/peer/server.ts uses.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    listen(port: number, host: string, cb?: () => void): Server;
    on(event: string, listener: (...args: never[]) => void): this;
  }
}

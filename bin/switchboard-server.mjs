#!/usr/bin/env node
// Runs the TypeScript CLI with plain `node`: tsx compiles on the fly (no build step for the server).
import { register } from 'tsx/esm/api';

register();
await import(new URL('../server/cli.ts', import.meta.url).href);

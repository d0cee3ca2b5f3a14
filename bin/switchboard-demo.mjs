#!/usr/bin/env node
// Runs the TypeScript demo CLI with plain `node`: tsx compiles on the fly.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../client/demo-cli.ts', import.meta.url).href);

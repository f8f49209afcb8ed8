#!/usr/bin/env node
// The `qm` command. The sources are TypeScript, run through tsx's loader so that
// `npx qm …` works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const { runCli } = await import(main);
await runCli(process.argv.slice(2));

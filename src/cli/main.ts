#!/usr/bin/env -S node --max-semi-space-size=64 --heap-growing-percent=100
import { processIo } from './io.js';
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), processIo());

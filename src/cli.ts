#!/usr/bin/env node
// The `provml` executable (package.json "bin").
import { run } from './cli/main.js';

void run(process.argv);

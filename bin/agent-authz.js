#!/usr/bin/env node
// The package binary: everything lives in the compiled CLI entry.
import '../dist/main.js';

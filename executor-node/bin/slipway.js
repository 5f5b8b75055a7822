#!/usr/bin/env node
// Starts the slipway CLI from its TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');

import { resolve } from 'node:path';
import { buildApp } from '../lib/app.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../lib/config.js';

// SG_GUARD_CONFIG (a path) is read here only; everything below takes the validated config.
const configPath = process.env.SG_GUARD_CONFIG
  ? resolve(process.env.SG_GUARD_CONFIG)
  : DEFAULT_CONFIG_PATH;
const { app } = buildApp(loadConfig(configPath));
app.synth();

// Property tests explore new random inputs on every local run (they found real bugs that way).
// In CI a failing run blocks a landing, so there the exploration is pinned to one seed: the same
// inputs every time, reproducible. FC_SEED=N reproduces or varies it anywhere.
import fc from 'fast-check';

const pinned = process.env.FC_SEED ?? (process.env.CI ? '20261126' : undefined);
if (pinned !== undefined) fc.configureGlobal({ seed: Number(pinned) });

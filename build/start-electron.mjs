// npm start: launches Electron on the built app, or explains why it cannot.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let electronPath;
try {
  electronPath = require('electron');
} catch {
  electronPath = null;
}
if (!electronPath || typeof electronPath !== 'string' || !existsSync(electronPath)) {
  console.error(
    'No Electron binary is installed here (it is downloaded by electron\'s postinstall, which was skipped or could not reach the network).\n' +
      'Run the same wall in a browser instead:  npm run web   (then open the printed URL)',
  );
  process.exit(1);
}
const child = spawn(electronPath, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));

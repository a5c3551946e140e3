// `npm run passwd -- <secret>`: prints the scrypt hash of a password or token for auth.users'
// passwordHash or auth.tokens' tokenHash (docs/security.md). The hash is the last line.
// Without an argument it reads the secret from stdin, so it stays out of the shell's history.
import { hashSecret } from '../main/services/passwords.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const arg = process.argv[2];
const secret = arg ?? (process.stdin.isTTY ? '' : await readStdin());
if (!secret) {
  console.error('usage: npm run passwd -- <password or token>   (or pipe it in: echo -n secret | npm run passwd)');
  process.exit(2);
}
if (secret.length < 8) console.error('warning: fewer than 8 characters; a duty-room password should be longer');
console.log(await hashSecret(secret));

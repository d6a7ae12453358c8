// Starts a child in its own process group (as a shell pipeline would) and hangs; with
// `ignore-term` both ignore SIGTERM, so only SIGKILL ends them. Prints the child's pid.
import { spawn } from 'node:child_process';

const ignoreTerm = process.argv[2] === 'ignore-term';
if (ignoreTerm) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
const child = spawn(
  process.execPath,
  [
    '-e',
    `${
      ignoreTerm ? "process.on('SIGTERM', () => {});" : ''
    } setInterval(() => {}, 1000);`,
  ],
  { stdio: 'inherit' },
);
console.log(`child ${child.pid}`);
setInterval(() => {}, 1000);

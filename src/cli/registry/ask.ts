// Asking for a username and (unechoed) password on the terminal, as `docker login` does.
import { createInterface } from 'node:readline';

export function ask(question: string, opts: { silent?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: !!process.stdin.isTTY });
    if (opts.silent) {
      // Echo nothing the user types; the question itself is written before muting.
      process.stdout.write(question);
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
    }
    rl.question(opts.silent ? '' : question, (answer) => {
      if (opts.silent) process.stdout.write('\n');
      rl.close();
      resolve(answer);
    });
    rl.on('close', () => resolve(''));
  });
}

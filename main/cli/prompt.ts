import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

/** Questions on a terminal; commands use it only when stdin is a TTY and a value is missing. */
export interface Prompter {
  ask(question: string, defaultValue?: string): Promise<string>;
  askSecret(question: string): Promise<string>;
}

export function terminalPrompter(input = process.stdin, output = process.stdout): Prompter | null {
  if (!input.isTTY) return null;
  return {
    async ask(question, defaultValue) {
      const rl = createInterface({ input, output });
      try {
        const answer = (
          await rl.question(`${question}${defaultValue ? ` [${defaultValue}]` : ''}: `)
        ).trim();
        return answer || defaultValue || '';
      } finally {
        rl.close();
      }
    },
    async askSecret(question) {
      // Echo nothing while the secret is typed.
      let muted = false;
      const silent = new Writable({
        write(chunk, _encoding, done) {
          if (!muted) output.write(chunk);
          done();
        },
      });
      const rl = createInterface({ input, output: silent, terminal: true });
      try {
        const pending = rl.question(`${question}: `);
        muted = true;
        const answer = await pending;
        output.write('\n');
        return answer;
      } finally {
        rl.close();
      }
    },
  };
}

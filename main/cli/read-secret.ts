/**
 * A secret typed at the terminal (a PIN): from a TTY, prompted on stderr with nothing
 * echoed; from a pipe, the first line of stdin (scripts, tests). Never an argument, so
 * it is not on a command line other users can read in `ps` (docs/architecture.md, "Who may
 * change what the till trusts").
 */

export async function readSecretLine(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY !== true) return readFirstLine();
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') return finish(() => resolve(typed));
          // Ctrl-C and Ctrl-D give up, as they would anywhere else on the terminal.
          if (char === '\u0003' || char === '\u0004') return finish(() => reject(new Error('cancelled at the terminal')));
          if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
          else typed += char;
        }
      };
      const finish = (settle: () => void) => {
        stdin.off('data', onData);
        process.stderr.write('\n');
        settle();
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}

/** All of stdin until it ends, as text (a piped secret, a key, a token). */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let piped: Promise<string[]> | undefined;

/** Successive calls take successive lines, so a script can pipe the PIN twice. */
async function readFirstLine(): Promise<string> {
  piped ??= readAllStdin().then((text) => text.split(/\r?\n/));
  const lines = await piped;
  return (lines.shift() ?? '').trim();
}

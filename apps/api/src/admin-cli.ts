import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Store } from '@confab/server';
import type * as z from 'zod';
import type { Env } from './env.js';

/** Exit codes: what a script calling the command line can tell apart. */
export const EXIT = {
  ok: 0,
  /** The command ran and failed (no such user, database unreachable, refused restore...). */
  failed: 1,
  /** The command line itself was wrong (unknown command or option, invalid input). */
  usage: 2,
} as const;

/** A failure to report as one clear line on stderr, with its exit code; no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** What a command may use; each piece is opened only when asked for. */
export interface AdminContext {
  env: Env;
  /** The store on DATABASE_URL (migrated, as the server would), closed after the command. */
  store(): Promise<Store>;
  /** Tells running servers that these sessions ended (through Redis when REDIS_URL is set). */
  announceSessionsEnded(userId: string, sessionIds: readonly string[]): Promise<'told' | 'no-bus'>;
  /** Everything on stdin, for secrets that must not appear in argv (ps, shell history). */
  readStdin(): Promise<string>;
  out(line: string): void;
  now(): number;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface AdminCommand {
  /** The words that name it: `user create`. */
  name: string;
  summary: string;
  /** What follows the name: `<username> [--password-stdin]`. */
  usage: string;
  /** Longer help: what it does, what it prints, what to know. */
  details: string;
  execute(argv: string[], ctx: AdminContext): Promise<void>;
}

/**
 * A command whose arguments are parsed (named positionals, then options) and validated by
 * `input` before `run` sees them: invalid input never reaches the database.
 */
export function defineCommand<S extends z.ZodType>(spec: {
  name: string;
  summary: string;
  usage: string;
  details: string;
  /** Names of the positional arguments, in order; a trailing `?` marks an optional one (last). */
  positionals: readonly string[];
  options?: Options;
  input: S;
  run(input: z.output<S>, ctx: AdminContext): Promise<void>;
}): AdminCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    details: spec.details,
    async execute(argv, ctx) {
      const raw = parsed(argv, spec.options ?? {}, spec.positionals);
      const result = spec.input.safeParse(raw);
      if (!result.success) {
        const issues = result.error.issues.map(
          (i) => `${i.path.join('.') || 'input'}: ${i.message}`,
        );
        throw new CliError(issues.join('\n'), EXIT.usage);
      }
      await spec.run(result.data, ctx);
    },
  };
}

/** What an option looks like: `--` then lowercase words joined by "-", maybe `=value`. */
const OPTION_SHAPE = /^--[a-z0-9]+(-[a-z0-9]+)*(=|$)/;

/**
 * The arguments as parseArgs should read them. Ids are base64url, so one may start with "-" or
 * "--" (a session or API key id copied from a list: 1 in 4,096 starts with "--"), which parseArgs
 * would take for options and refuse: no command has short options, so a word starting with one
 * "-" is an argument, and so is one starting with "--" that cannot be an option's name (it has
 * an uppercase letter or "_", as nearly every such id has). Long options (and the value of one
 * that takes a value) stay as they are, a mistyped one too, for parseArgs to refuse by name;
 * the arguments follow "--", in order.
 */
export function withArgumentsLast(argv: readonly string[], options: Options): string[] {
  const flags: string[] = [];
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (!OPTION_SHAPE.test(arg)) {
      args.push(arg);
      continue;
    }
    flags.push(arg);
    const option = options[arg.slice(2)];
    if (option?.type === 'string' && i + 1 < argv.length) flags.push(argv[++i] ?? '');
  }
  return [...flags, '--', ...args];
}

function parsed(
  argv: string[],
  options: Options,
  names: readonly string[],
): Record<string, unknown> {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: withArgumentsLast(argv, options),
      options,
      allowPositionals: true,
    }));
  } catch (error) {
    // parseArgs' own messages name the option ("Unknown option '--pasword'").
    throw new CliError(error instanceof Error ? error.message : String(error), EXIT.usage);
  }
  const required = names.filter((name) => !name.endsWith('?')).length;
  if (positionals.length < required)
    throw new CliError(`missing <${names[positionals.length]}>`, EXIT.usage);
  if (positionals.length > names.length)
    throw new CliError(`unexpected argument: ${positionals[names.length]}`, EXIT.usage);
  const raw: Record<string, unknown> = { ...values };
  positionals.forEach((value, i) => {
    raw[names[i]?.replace(/\?$/, '') ?? ''] = value;
  });
  return raw;
}

/** The command named by the longest run of leading words, and the arguments after it. */
export function findCommand(
  commands: readonly AdminCommand[],
  argv: readonly string[],
): { command: AdminCommand; rest: string[] } | undefined {
  let best: AdminCommand | undefined;
  for (const command of commands) {
    const words = command.name.split(' ');
    const longer = !best || words.length > best.name.split(' ').length;
    if (longer && words.every((word, i) => argv[i] === word)) best = command;
  }
  return best && { command: best, rest: argv.slice(best.name.split(' ').length) };
}

export function generalHelp(commands: readonly AdminCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: confab <command> [arguments]   (pnpm confab ... at the repository root)',
    '',
    'Administers the Confab database named by DATABASE_URL (a SQLite file path or a',
    'postgres:// URL), the same setting the server reads.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'confab <command> --help tells more about one. Exit status: 0 done, 1 failed, 2 bad usage.',
  ].join('\n');
}

export function commandHelp(command: AdminCommand): string {
  return [`Usage: confab ${command.name} ${command.usage}`, '', command.details].join('\n');
}

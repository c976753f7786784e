/**
 * `npm run check:portalduct -- --base-url <url> --email <email> [--client <uuid>] [--connection <uuid>] [--write] [--json]`
 * (node test-build/tools/check-portalduct/cli.js). The password comes from PORTALDUCT_PASSWORD or a
 * prompt that does not echo; never from an argument, and it is never printed.
 * Exit 0: every fact held or was not tried; 1: something differed; 2: the check could not run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { runCheck, DEFAULT_WEBHOOK_URL, type CheckReport, type PackageReaders } from './check';
import { formatJson, formatTable } from './table';

export const PASSWORD_ENV = 'PORTALDUCT_PASSWORD';

export const USAGE = `Usage: npm run check:portalduct -- --base-url <url> --email <email> [options]

Runs this package's readers against a PortalDuct account and prints, for every fact the package
assumes about PortalDuct's API, whether it held, differed (and what came instead) or was not tried.
It creates and changes nothing unless --write is given. It prints field names, status codes and
content types; never the password, a token or the account's data.

  --base-url URL        the address before /v1, as in the n8n credential (required)
  --email EMAIL         the account's login email (required)
  --client UUID         a clientUUID of the account: its balance is read
  --connection UUID     a connection_uuid of the account: one or two pages of its invoices are read
  --write               also register a webhook URL, register again, then remove it (only when the
                        account has no registration: one with a secret could not be put back)
  --webhook-url URL     the URL --write registers (default ${DEFAULT_WEBHOOK_URL}, which
                        nothing listens on; a PortalDuct that wants https needs another)
  --json                print the report as JSON instead of a table
  --help                show this help

The password: environment variable ${PASSWORD_ENV}, else a prompt (input not shown).
Exit status: 0 every fact held or was not tried, 1 something differed, 2 the check could not run.`;

export interface CliOptions {
	baseUrl?: string;
	email?: string;
	client?: string;
	connection?: string;
	write: boolean;
	webhookUrl?: string;
	json: boolean;
	help: boolean;
}

export function parseCliArgs(argv: string[]): CliOptions {
	const options: CliOptions = { write: false, json: false, help: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
			return v;
		};
		switch (flag) {
			case '--base-url':
				options.baseUrl = value();
				break;
			case '--email':
				options.email = value();
				break;
			case '--client':
				options.client = value();
				break;
			case '--connection':
				options.connection = value();
				break;
			case '--write':
				options.write = true;
				break;
			case '--webhook-url':
				options.webhookUrl = value();
				break;
			case '--json':
				options.json = true;
				break;
			case '--help':
			case '-h':
				options.help = true;
				break;
			case '--password':
			case '-p':
				// Not echoed back: the value may be the password.
				throw new Error(`The password is never an argument (it would stay in the shell's history): set ${PASSWORD_ENV} or let the check prompt for it`);
			default:
				throw new Error(`Unknown option '${flag}'\n\n${USAGE}`);
		}
	}
	if (!options.help) {
		if (!options.baseUrl) throw new Error(`--base-url is required\n\n${USAGE}`);
		if (!options.email) throw new Error(`--email is required\n\n${USAGE}`);
		let url: URL;
		try {
			url = new URL(options.baseUrl);
		} catch {
			throw new Error('--base-url must be an absolute http(s) URL');
		}
		if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('--base-url must use http or https');
		if (url.username || url.password) throw new Error('--base-url must not hold a user name or password');
	}
	return options;
}

/** The package root: the nearest package.json above this file (from test/ or test-build/). */
function packageRoot(): string {
	let dir = __dirname;
	while (!existsSync(join(dir, 'package.json'))) {
		const up = dirname(dir);
		if (up === dir) throw new Error('package.json not found above the check');
		dir = up;
	}
	return dir;
}

/**
 * The package's readers: the built dist/ (what n8n runs) when the check is compiled JavaScript;
 * the TypeScript sources when it runs as TypeScript (a test's require hook).
 */
export function loadPackageReaders(): { readers: PackageReaders; version?: string } {
	const root = packageRoot();
	const fromSource = __filename.endsWith('.ts');
	const api = join(root, fromSource ? 'nodes/PortalDuct/api' : 'dist/nodes/PortalDuct/api');
	if (!fromSource && !existsSync(`${api}/index.js`)) throw new Error('dist/ is not built: run `npm run build` (npm run check:portalduct does)');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const readers = require(api) as PackageReaders;
	const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
	return { readers, version };
}

/** Asks for the password on the terminal without echoing it. */
export function promptPassword(question: string): Promise<string> {
	let muted = false;
	const output = new Writable({
		write(chunk, _encoding, done) {
			if (!muted) process.stderr.write(chunk);
			done();
		},
	});
	const rl = createInterface({ input: process.stdin, output, terminal: true });
	return new Promise((resolve, reject) => {
		rl.question(question, (answer) => {
			rl.close();
			process.stderr.write('\n');
			resolve(answer);
		});
		muted = true;
		rl.on('SIGINT', () => {
			rl.close();
			process.stderr.write('\n');
			reject(new Error('cancelled'));
		});
	});
}

export async function runCli(
	argv: string[],
	env: NodeJS.ProcessEnv,
	print: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
	ask: (question: string) => Promise<string> = promptPassword,
	isTerminal = Boolean(process.stdin.isTTY),
): Promise<{ exitCode: number; report?: CheckReport }> {
	const options = parseCliArgs(argv);
	if (options.help) {
		print(USAGE);
		return { exitCode: 0 };
	}
	let password = env[PASSWORD_ENV];
	if (!password) {
		if (!isTerminal) throw new Error(`No password: set ${PASSWORD_ENV} (no terminal to prompt on)`);
		password = await ask(`Password of ${options.email} (not shown): `);
		if (!password) throw new Error('No password given');
	}
	const { readers, version } = loadPackageReaders();
	const report = await runCheck(
		{
			baseUrl: options.baseUrl!,
			email: options.email!,
			password,
			client: options.client,
			connection: options.connection,
			write: options.write,
			webhookUrl: options.webhookUrl,
		},
		readers,
	);
	print(options.json ? formatJson(report, version) : formatTable(report, version));
	return { exitCode: report.exitCode, report };
}

async function main(): Promise<void> {
	try {
		const { exitCode } = await runCli(process.argv.slice(2), process.env);
		process.exitCode = exitCode;
	} catch (error) {
		console.error((error as Error).message);
		process.exitCode = 2;
	}
}

if (require.main === module) void main();

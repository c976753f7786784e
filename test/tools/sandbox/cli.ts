/**
 * `node test-build/tools/sandbox/cli.js [--port N] [--host H] [--demo-data] [--allow-any-webhook-host]`
 * Runs the sandbox in the foreground for people and for real n8n; Ctrl-C / SIGTERM closes it.
 */
import { seedDemoData } from './demo-data';
import { DIALECTS, dialectSettings } from './dialects';
import { startSandbox } from './index';
import { portTakenMessage } from './port-taken';
import type { Sandbox } from './types';

export const DEFAULT_CLI_PORT = 8787;

export interface CliOptions {
	port: number;
	host: string;
	demoData: boolean;
	allowAnyWebhookHost: boolean;
	/** Dialect names (dialects.ts), applied in order. */
	dialects?: string[];
	help: boolean;
}

const USAGE = `Usage: node test-build/tools/sandbox/cli.js [options]

  --port N                  port to listen on (env PORTALDUCT_SANDBOX_PORT, default ${DEFAULT_CLI_PORT}; 0 = any free port)
  --host H                  address to listen on (default 127.0.0.1)
  --demo-data               seed a customer, two clients, connections and invoices
  --allow-any-webhook-host  deliver webhooks to non-loopback hosts too (n8n in Docker, tunnels)
  --dialect NAME            answer and deliver like a PortalDuct that differs from the contract
                            (repeatable; names: ${Object.keys(DIALECTS).join(', ')})
  --help                    show this help`;

function parsePort(raw: string, from: string): number {
	if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new Error(`${from} must be a port number from 0 to 65535, got '${raw}'`);
	return Number(raw);
}

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = {}): CliOptions {
	const options: CliOptions = {
		port: env.PORTALDUCT_SANDBOX_PORT ? parsePort(env.PORTALDUCT_SANDBOX_PORT, 'PORTALDUCT_SANDBOX_PORT') : DEFAULT_CLI_PORT,
		host: '127.0.0.1',
		demoData: false,
		allowAnyWebhookHost: false,
		help: false,
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		switch (flag) {
			case '--port':
				options.port = parsePort(value(), '--port');
				break;
			case '--host':
				options.host = value();
				break;
			case '--demo-data':
				options.demoData = true;
				break;
			case '--allow-any-webhook-host':
				options.allowAnyWebhookHost = true;
				break;
			case '--dialect':
				options.dialects = [...(options.dialects ?? []), value()];
				dialectSettings(options.dialects[options.dialects.length - 1]);
				break;
			case '--help':
			case '-h':
				options.help = true;
				break;
			default:
				throw new Error(`Unknown option '${argv[i]}'\n\n${USAGE}`);
		}
	}
	return options;
}

/** Starts the sandbox and prints how to use it; returns it so a test (or main) can close it. */
export async function runCli(
	argv: string[],
	env: NodeJS.ProcessEnv = {},
	print: (line: string) => void = console.log,
): Promise<Sandbox | undefined> {
	const options = parseCliArgs(argv, env);
	if (options.help) {
		print(USAGE);
		return undefined;
	}
	const sandbox = await startSandbox({
		port: options.port,
		host: options.host,
		allowAnyWebhookHost: options.allowAnyWebhookHost,
		...Object.assign({}, ...(options.dialects ?? []).map(dialectSettings)),
	});
	const { email, password } = sandbox.login;
	const loginBody = JSON.stringify({ email, password });
	print(`PortalDuct sandbox listening on ${sandbox.url}`);
	print('');
	print(`  Base URL (n8n credential)  ${sandbox.url}`);
	print(`  Email                      ${email}`);
	print(`  Password                   ${password}`);
	print(`  Control                    ${sandbox.url}/_sandbox  (stats, settings, faults, deliveries, state)`);
	print(`  Collector                  ${sandbox.url}/collector?clientUUID=<client UUID>`);
	print(`  Webhooks                   ${options.allowAnyWebhookHost ? 'any host' : 'loopback hosts only'}`);
	print(`  Dialect                    ${options.dialects?.length ? options.dialects.join(' + ') : 'contract (as docs/openapi.yaml states it)'}`);
	print('');
	print('  Log in:');
	print(`  curl -s -X POST ${sandbox.url}/v1/login -H 'Content-Type: application/json' -d '${loginBody}'`);
	if (options.demoData) {
		const demo = seedDemoData(sandbox);
		print('');
		print('  Demo data:');
		print(`  customer ${demo.customerUUID}`);
		for (const client of demo.clients) {
			print(`  client   ${client.clientUUID}  ${client.name}  collector: ${sandbox.url}/collector?clientUUID=${client.clientUUID}`);
		}
		for (const c of demo.connections) {
			print(
				`  connection ${c.connection_uuid}  ${demo.clients[c.client].name} / ${c.portalName}  ${c.status}, ${c.invoices} invoices`,
			);
		}
	}
	print('');
	print('Ctrl-C to stop.');
	return sandbox;
}

async function main(): Promise<void> {
	let sandbox: Sandbox | undefined;
	try {
		sandbox = await runCli(process.argv.slice(2), process.env);
	} catch (error) {
		const { code, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
		console.error(code === 'EADDRINUSE' && port !== undefined ? await portTakenMessage(address ?? '127.0.0.1', port) : (error as Error).message);
		process.exitCode = 1;
		return;
	}
	if (!sandbox) return;
	const running = sandbox;
	let stopping = false;
	const stop = (signal: string) => {
		// A second Ctrl-C means "now".
		if (stopping) process.exit(1);
		stopping = true;
		console.log(`\n${signal}: closing the sandbox`);
		void running.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) void main();

import axios from 'axios';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CLI_PORT, parseCliArgs, runCli } from './cli';
import { DEMO } from './demo-data';
import type { Sandbox } from './index';

describe('parseCliArgs', () => {
	it('defaults to port 8787 on 127.0.0.1 without demo data', () => {
		expect(DEFAULT_CLI_PORT).toBe(8787);
		expect(parseCliArgs([])).toEqual({ port: 8787, host: '127.0.0.1', demoData: false, allowAnyWebhookHost: false, help: false });
	});

	it('takes the port from PORTALDUCT_SANDBOX_PORT, and --port over it (both spellings)', () => {
		expect(parseCliArgs([], { PORTALDUCT_SANDBOX_PORT: '9000' }).port).toBe(9000);
		expect(parseCliArgs(['--port', '9100'], { PORTALDUCT_SANDBOX_PORT: '9000' }).port).toBe(9100);
		expect(parseCliArgs(['--port=9200']).port).toBe(9200);
	});

	it('reads the flags', () => {
		expect(parseCliArgs(['--demo-data', '--allow-any-webhook-host', '--host', '0.0.0.0'])).toMatchObject({
			demoData: true,
			allowAnyWebhookHost: true,
			host: '0.0.0.0',
		});
		expect(parseCliArgs(['--help']).help).toBe(true);
	});

	it('refuses bad ports and unknown options', () => {
		expect(() => parseCliArgs(['--port', 'abc'])).toThrow(/--port must be a port number/);
		expect(() => parseCliArgs(['--port', '70000'])).toThrow(/--port/);
		expect(() => parseCliArgs(['--port'])).toThrow(/needs a value/);
		expect(() => parseCliArgs([], { PORTALDUCT_SANDBOX_PORT: 'x' })).toThrow(/PORTALDUCT_SANDBOX_PORT/);
		expect(() => parseCliArgs(['--verbose'])).toThrow(/Unknown option '--verbose'/);
	});
});

describe('runCli', () => {
	let sandbox: Sandbox | undefined;
	afterEach(() => sandbox?.close());

	it('prints the URL, login, control and collector URLs and a curl login line that works', async () => {
		const lines: string[] = [];
		sandbox = await runCli(['--port', '0'], {}, (line) => lines.push(line));
		const out = lines.join('\n');
		expect(out).toContain(`listening on ${sandbox!.url}`);
		expect(out).toContain('demo@portalduct.test');
		expect(out).toContain('sandbox-password');
		expect(out).toContain(`${sandbox!.url}/_sandbox`);
		expect(out).toContain(`${sandbox!.url}/collector?clientUUID=`);
		const curl = lines.find((l) => l.trim().startsWith('curl '))!;
		const match = /-X POST (\S+) -H 'Content-Type: application\/json' -d '([^']+)'/.exec(curl);
		expect(match).not.toBeNull();
		const res = await axios.post(match![1], JSON.parse(match![2]), { validateStatus: () => true });
		expect(res.status).toBe(200);
		expect(res.data.token).toEqual(expect.any(String));
	});

	it('--demo-data seeds a customer, two clients, connections and invoices and prints their ids', async () => {
		const lines: string[] = [];
		sandbox = await runCli(['--port', '0', '--demo-data'], {}, (line) => lines.push(line));
		const out = lines.join('\n');
		expect(out).toContain(DEMO.customerUUID);
		const token = (await axios.post(`${sandbox!.url}/v1/login`, sandbox!.login)).data.token;
		const headers = { Authorization: `Bearer ${token}` };
		for (const client of DEMO.clients) {
			expect(out).toContain(client.clientUUID);
			const balance = await axios.get(`${sandbox!.url}/v1/getClientBalance/${client.clientUUID}`, { headers });
			expect(balance.status).toBe(200);
		}
		for (const c of DEMO.connections) {
			expect(out).toContain(c.connection_uuid);
			const invoices = await axios.get(`${sandbox!.url}/v1/getClientInvoices/${c.connection_uuid}`, { headers });
			expect(invoices.data.total).toBe(c.invoices);
		}
		const numbers = [...sandbox!.state.invoices.values()].flat().map((i) => i.invoiceNumber);
		expect(new Set(numbers).size).toBe(numbers.length);
	});

	it('--help prints usage and starts nothing', async () => {
		const lines: string[] = [];
		expect(await runCli(['--help'], {}, (line) => lines.push(line))).toBeUndefined();
		expect(lines.join('\n')).toMatch(/Usage: node test-build\/tools\/sandbox\/cli\.js/);
	});
});

/**
 * The CLI as a process: cli.ts run by node through a tiny require hook that transpiles TypeScript
 * (the same code tsc compiles to test-build/tools/sandbox/cli.js), stopped with SIGTERM.
 */
describe('the CLI process', () => {
	let dir: string;
	const children: ChildProcessWithoutNullStreams[] = [];

	beforeAll(() => {
		dir = mkdtempSync(path.join(tmpdir(), 'pd-sandbox-cli-'));
		const typescript = require.resolve('typescript');
		writeFileSync(
			path.join(dir, 'ts-hook.js'),
			`const ts = require(${JSON.stringify(typescript)}); const fs = require('fs');
require.extensions['.ts'] = (m, file) => m._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'),
  { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021, esModuleInterop: true } }).outputText, file);`,
		);
	});

	afterEach(() => {
		for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
	});

	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	function run(args: string[], env: Record<string, string> = {}) {
		const proc = spawn(process.execPath, ['-r', path.join(dir, 'ts-hook.js'), path.join(__dirname, 'cli.ts'), ...args], {
			env: { ...process.env, ...env },
		});
		children.push(proc);
		let stdout = '';
		let stderr = '';
		proc.stdout.on('data', (d) => (stdout += d));
		proc.stderr.on('data', (d) => (stderr += d));
		// 'close', not 'exit': a process can exit before the last of its output has been read here;
		// 'close' comes once its stdout and stderr have ended, so the output is complete by then.
		const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
		const ready = new Promise<string>((resolve, reject) => {
			proc.stdout.on('data', () => stdout.includes('Ctrl-C to stop') && resolve(stdout));
			proc.on('close', (code) => reject(new Error(`CLI exited (${code}) before it was ready: ${stderr}`)));
		});
		return { proc, ready, exited, output: () => ({ stdout, stderr }) };
	}

	it('runs in the foreground, serves, and closes cleanly on SIGTERM', async () => {
		const cli = run([], { PORTALDUCT_SANDBOX_PORT: '0' });
		const out = await cli.ready;
		const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
		const res = await axios.post(`${url}/v1/login`, { email: 'demo@portalduct.test', password: 'sandbox-password' });
		expect(res.status).toBe(200);
		cli.proc.kill('SIGTERM');
		expect(await cli.exited).toBe(0);
		expect(cli.output().stdout).toContain('SIGTERM: closing the sandbox');
	});

	/** What holds the port the CLI is then started on: a first CLI, or a server that is no sandbox. */
	const holders: Record<string, () => Promise<{ port: number; release: () => Promise<unknown> }>> = {
		'a sandbox CLI': async () => {
			const first = run(['--port', '0']);
			const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(await first.ready)![1]);
			return { port, release: () => (first.proc.kill('SIGTERM'), first.exited) };
		},
		'another program': async () => {
			const server = createServer((_req, res) => res.writeHead(404).end('not here'));
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			return { port: (server.address() as AddressInfo).port, release: () => new Promise((resolve) => server.close(resolve)) };
		},
	};

	test.each([
		['a sandbox CLI', 'a PortalDuct sandbox already runs there'],
		['another program', 'another program holds it'],
	])('on a port %s holds: exits 1 with one line naming the port, the holder and --port 0', async (holder, says) => {
		const held = await holders[holder]();
		try {
			const second = run(['--port', String(held.port)]);
			await expect(second.ready).rejects.toThrow(/before it was ready/);
			expect(await second.exited).toBe(1);
			const { stdout, stderr } = second.output();
			expect(stdout).toBe('');
			expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^Port ${held.port} on 127\\.0\\.0\\.1 is taken: `))]);
			expect(stderr).toContain(says);
			expect(stderr).toContain('`npm run sandbox -- --port 0` for any free port');
			expect(stderr).not.toContain('EADDRINUSE');
		} finally {
			await held.release();
		}
	});
});

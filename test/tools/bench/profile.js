#!/usr/bin/env node
'use strict';
// Where real n8n spends the time per item: the benchmark's balance reads (run 1, 0 ms latency) in
// real n8n 2.41.1 with a CPU profile of n8n's main thread over each measured run only (from just
// before the run starts until n8n reports it finished; reading the stored execution comes after),
// for our node and for the floor node (bare this.helpers.httpRequest), each in an n8n of its own;
// prints per item the node's executionTime, CPU per package and each contender's difference from
// the floor.
//   npm run bench:profile [-- --items 1000] [--reps 5] [--concurrency 1] [--per-item-credential]
// --per-item-credential  also profiles our node with a credential whose Password is an expression
//                        (`={{ "<password>" }}`), which makes it read the credential once per item
//                        instead of once per run: what an expression in the credential costs.
// Needs n8n 2.41.1 in the cache (test/e2e/install-n8n.sh 2, or one `npm run bench`). No namespace:
// n8n is told loopback only, as with `npm run bench -- --no-netns`. Contenders run one after the
// other, not interleaved: on a busy machine, or with fewer than ~1,000 items, compare with care.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { freePort } = require('../../e2e/lib/inner-run');
const { installed } = require('../../e2e/lib/lines');
const { startBackground, waitFor } = require('../../e2e/lib/proc');
const { prepare } = require('../../e2e/lib/workflows');
const { buildForBench } = require('./lib/build');
const { BenchN8n } = require('./lib/n8n-bench');
const { median } = require('./lib/report');
const { startWorker } = require('./lib/worker');
const wf = require('./lib/workflows');

const REPO = path.resolve(__dirname, '..', '..', '..');
const PROFILER = path.join(__dirname, 'lib', 'n8n-profiler.js');
const CREDENTIAL = { id: 'PortalDuctBench1', name: 'PortalDuct bench' };
const USAGE = 'usage: npm run bench:profile [-- --items N] [--reps N] [--concurrency N] [--per-item-credential]';

/** The options, checked before anything is built or started; exits 2 with a one-line reason. */
function options() {
	const whole = (name, value, min, max) => {
		const n = Number(value);
		if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, got ${value}`);
		return n;
	};
	try {
		const { values } = parseArgs({
			options: {
				items: { type: 'string', default: '1000' },
				reps: { type: 'string', default: '5' },
				concurrency: { type: 'string', default: '1' },
				'per-item-credential': { type: 'boolean', default: false },
			},
			strict: true,
			allowPositionals: false,
		});
		return {
			items: whole('items', values.items, 1, 10_000),
			reps: whole('reps', values.reps, 1, 50),
			// The node's own bounds for Options > Concurrency.
			concurrency: whole('concurrency', values.concurrency, 1, 200),
			perItemCredential: values['per-item-credential'],
		};
	} catch (error) {
		console.error(`bench:profile: ${error.message}\n${USAGE}`);
		process.exit(2);
	}
}
const OPTIONS = options();

/** n8n with the profiling preload instead of the counting one. */
class ProfiledN8n extends BenchN8n {
	env() {
		return { ...super.env(), PORTALDUCT_PROFILE_DIR: this.profileDir };
	}

	start() {
		this.server = startBackground(this.line.node, ['--require', PROFILER, this.line.n8nBin, 'start'], {
			env: this.env(),
			cwd: this.userFolder,
			logFile: this.logFile,
		});
		return this.server;
	}

	/** Sends SIGUSR2 and waits for the preload's file `name` (a start mark or a profile). */
	async signal(name) {
		process.kill(this.server.pid, 'SIGUSR2');
		const file = path.join(this.profileDir, name);
		const ok = await waitFor(() => fs.existsSync(file), { timeoutMs: 60_000, intervalMs: 20 });
		const error = fs.readdirSync(this.profileDir).find((f) => f.startsWith('error-'));
		if (!ok || error) throw new Error(`profiler: ${error ? fs.readFileSync(path.join(this.profileDir, error), 'utf8') : `no ${name}`}`);
		return file;
	}
}

/**
 * Adds a .cpuprofile's self time (ms) into `into`: per package for code under node_modules,
 * `node:*` groups for Node's own, `(function) <name>` for frames without a file (native calls),
 * and V8's own entries ((garbage collector), (program), (idle)) as they are.
 */
function addTimeByPackage(file, into) {
	const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
	const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
	for (let i = 0; i < profile.samples.length; i++) {
		const { url, functionName } = frames.get(profile.samples[i]);
		let key;
		if (!url) key = functionName.startsWith('(') ? functionName : `(function) ${functionName || 'anonymous'}`;
		else if (url.startsWith('node:')) key = url.startsWith('node:internal') ? 'node:internal' : url.split('/')[0];
		else if (url.includes('node_modules/')) {
			const inModules = url.split('node_modules/').pop();
			key = inModules.split('/').slice(0, inModules.startsWith('@') ? 2 : 1).join('/');
		} else key = path.basename(url);
		into.set(key, (into.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	}
}

async function profileOne({ label, tarball, credentialData, workflow, nodeName, sandbox, workDir, line }) {
	const userFolder = fs.mkdtempSync(path.join(workDir, 'n8n-'));
	const n8n = new ProfiledN8n({ line, userFolder, port: await freePort(), brokerPort: await freePort() });
	n8n.profileDir = path.join(userFolder, 'profiles');
	fs.mkdirSync(n8n.profileDir);
	await n8n.installPackage(tarball);
	const custom = path.join(userFolder, '.n8n', 'custom');
	fs.mkdirSync(custom, { recursive: true });
	fs.copyFileSync(path.join(__dirname, 'lib', 'floor-node', 'BenchFloor.node.js'), path.join(custom, 'BenchFloor.node.js'));
	await n8n.importCredentials([{ ...CREDENTIAL, type: 'portalDuctApi', data: credentialData }]);
	await n8n.importWorkflows([prepare(workflow, { id: workflow.id, credential: CREDENTIAL, sandboxUrl: credentialData.baseUrl })]);
	n8n.start();
	try {
		await n8n.waitReady(180_000);
		await n8n.setupOwner();
		await n8n.runWorkflow(workflow.id); // warm-up, not profiled
		const times = [];
		const byPackage = new Map();
		for (let r = 1; r <= OPTIONS.reps; r++) {
			await sandbox.call('resetStats');
			await n8n.signal(`started-${r}`);
			const id = await n8n.runWorkflow(workflow.id);
			addTimeByPackage(await n8n.signal(`profile-${r}.cpuprofile`), byPackage);
			const ex = await n8n.execution(id);
			const task = ex.data?.resultData?.runData?.[nodeName]?.[0];
			const out = task?.data?.main?.[0] ?? [];
			const failed = out.filter((i) => i.json?.error !== undefined).length;
			if (!task || failed || out.length !== OPTIONS.items || ex.data?.resultData?.error) {
				throw new Error(`${label}: run ${r} gave ${out.length} items, ${failed} failed ${ex.data?.resultData?.error?.message ?? ''}`);
			}
			times.push(task.executionTime);
		}
		console.log(`profile: ${label}: executionTime ${times.join(', ')} ms`);
		return { label, msPerItem: median(times) / OPTIONS.items, byPackage, items: OPTIONS.items * OPTIONS.reps };
	} finally {
		await n8n.stop();
	}
}

function report(results, { version, load }) {
	const floor = results.find((r) => r.label === 'floor node');
	const others = results.filter((r) => r !== floor);
	const per = (r, k) => ((r.byPackage.get(k) ?? 0) * 1000) / r.items; // µs per item
	const busy = (r) => ([...r.byPackage].filter(([k]) => k !== '(idle)').reduce((a, [, v]) => a + v, 0) * 1000) / r.items;
	const keys = [...new Set(results.flatMap((r) => [...r.byPackage.keys()]))].filter((k) => k !== '(idle)');
	// Largest differences from the floor first, either way (where ours is cheaper shows too).
	const spread = (k) => Math.max(...others.map((r) => Math.abs(per(r, k) - per(floor, k))));
	keys.sort((a, b) => spread(b) - spread(a));
	const col = (s, w = 15) => String(s).padStart(w);
	const us = (v) => `${v.toFixed(0)} µs`;
	const signed = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(0)} µs`;
	console.log(`\nPer item: ${OPTIONS.items} balance reads x ${OPTIONS.reps} runs, concurrency ${OPTIONS.concurrency}, 0 ms latency, real n8n ${version}; 1-min load ${load}`);
	console.log(`${'self time of'.padEnd(36)}${results.map((r) => col(r.label)).join('')}${others.map((r) => col(`${r.label} - floor`, 26)).join('')}`);
	const line = (name, value) =>
		console.log(`${name.padEnd(36)}${results.map((r) => col(us(value(r)))).join('')}${others.map((r) => col(signed(value(r) - value(floor)), 26)).join('')}`);
	line('node executionTime (wall)', (r) => r.msPerItem * 1000);
	line('main thread busy (all code)', busy);
	for (const k of keys.slice(0, 16)) line(k, (r) => per(r, k));
	console.log(`(${Math.max(0, keys.length - 16)} smaller rows left out; the profiler samples every 200 µs and slows n8n down, so compare columns, not absolute times)`);
}

async function main() {
	const line = installed(2);
	if (!line) throw new Error('n8n 2.41.1 is not installed: run test/e2e/install-n8n.sh 2 (or npm run bench once)');
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-profile-'));
	let sandbox;
	try {
		console.log(`profile: building in ${workDir}`);
		const pkg = await buildForBench({ repo: REPO, workDir });
		sandbox = startWorker(path.join(__dirname, 'lib', 'sandbox-host.js'), { name: 'sandbox', args: [pkg.sandboxModule] });
		const info = await sandbox.call('start', {}, 30_000);
		await sandbox.call('seed', { clients: OPTIONS.items, invoices: 1 }, 60_000);
		const login = await fetch(`${info.url}/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(info.login) });
		const body = await login.json();
		const token = body.token ?? body.accessToken;
		if (!token) throw new Error(`the sandbox login gave no token (HTTP ${login.status})`);
		const plain = { baseUrl: info.url, ...info.login };
		const common = { sandbox, workDir, line, tarball: pkg.tarball, credentialData: plain };
		const ours = wf.balanceWorkflow('profours', { count: OPTIONS.items, options: { concurrency: OPTIONS.concurrency } });
		const contenders = [
			{ ...common, label: 'PortalDuct', workflow: ours, nodeName: 'PortalDuct' },
			{
				...common,
				label: 'floor node',
				workflow: wf.floorWorkflow('proffloor', { count: OPTIONS.items, concurrency: OPTIONS.concurrency, token }),
				nodeName: 'Bench Floor',
			},
		];
		if (OPTIONS.perItemCredential) {
			contenders.push({
				...common,
				label: 'per-item cred.',
				credentialData: { ...plain, password: `={{ ${JSON.stringify(info.login.password)} }}` },
				workflow: ours,
				nodeName: 'PortalDuct',
			});
		}
		const load = [os.loadavg()[0]];
		const results = [];
		for (const c of contenders) results.push(await profileOne(c));
		load.push(os.loadavg()[0]);
		report(results, { version: line.version, load: load.map((l) => l.toFixed(1)).join(' -> ') });
	} finally {
		await sandbox?.stop();
		fs.rmSync(workDir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`profile: ${error?.stack ?? error}`);
	process.exitCode = 1;
});

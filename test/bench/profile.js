#!/usr/bin/env node
'use strict';
// Where real n8n spends the time per item: the benchmark's balance reads (run 1, 0 ms latency) in
// real n8n 2.41.1 with a CPU profile of n8n's main thread over the measured runs only, for our node
// and for the floor node (bare this.helpers.httpRequest), each in an n8n of its own; prints per
// item the node's executionTime, CPU per package and the main thread's idle time (waits on
// SQLite's thread pool show there), and the difference ours - floor.
//   npm run bench:profile [-- --items 1000] [--reps 5] [--concurrency 1] [--credential-once-per-run]
// --credential-once-per-run  also profiles an EXPERIMENT build that loads the credential once per
//                            node run (item 0's), which breaks per-item credential expressions:
//                            it shows what the per-item load costs, it is never shipped.
// Needs n8n 2.41.1 in the cache (test/e2e/install-n8n.sh 2, or one `npm run bench`). No namespace:
// n8n is told loopback only, as with `npm run bench -- --no-netns`.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort } = require('../e2e/lib/inner-run');
const { installed } = require('../e2e/lib/lines');
const { startBackground, waitFor } = require('../e2e/lib/proc');
const { prepare } = require('../e2e/lib/workflows');
const { buildForBench } = require('./lib/build');
const { BenchN8n } = require('./lib/n8n-bench');
const { median } = require('./lib/report');
const { startWorker } = require('./lib/worker');
const wf = require('./lib/workflows');

const REPO = path.resolve(__dirname, '..', '..');
const PROFILER = path.join(__dirname, 'lib', 'n8n-profiler.js');
const CREDENTIAL = { id: 'PortalDuctBench1', name: 'PortalDuct bench' };
const option = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ITEMS = option('items', 1000);
const REPS = option('reps', 5);
const CONCURRENCY = option('concurrency', 1);
const EXPERIMENT = process.argv.includes('--credential-once-per-run');

/** The one line of the built transport the experiment changes: every item resolves as item 0, once. */
const PER_ITEM_KEY = 'const key = itemIndex ?? -1;';
function loadCredentialOncePerRun(pkgDir) {
	const file = path.join(pkgDir, 'dist', 'nodes', 'PortalDuct', 'transport', 'credential.js');
	const code = fs.readFileSync(file, 'utf8');
	if (!code.includes(PER_ITEM_KEY)) throw new Error(`${file} no longer holds "${PER_ITEM_KEY}": update the experiment`);
	fs.writeFileSync(file, code.replace(PER_ITEM_KEY, 'const key = -1; itemIndex = undefined; // EXPERIMENT: once per run'));
}

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

	/** Sends SIGUSR2 and waits for the preload's file `name` (a start mark or the profile). */
	async signal(name) {
		process.kill(this.server.pid, 'SIGUSR2');
		const file = path.join(this.profileDir, name);
		const ok = await waitFor(() => fs.existsSync(file), { timeoutMs: 60_000, intervalMs: 50 });
		const error = fs.readdirSync(this.profileDir).find((f) => f.startsWith('error-'));
		if (!ok || error) throw new Error(`profiler: ${error ? fs.readFileSync(path.join(this.profileDir, error), 'utf8') : `no ${name}`}`);
		return file;
	}
}

/** Self time per package (or node: internal group) and idle, in ms, from a .cpuprofile. */
function timeByPackage(file) {
	const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
	const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
	const out = new Map();
	for (let i = 0; i < profile.samples.length; i++) {
		const frame = frames.get(profile.samples[i]);
		const url = frame.url;
		let key;
		if (!url) key = frame.functionName || '(native)';
		else if (url.startsWith('node:')) key = url.split('/')[0].replace(/^node:internal.*/, 'node:internal');
		else {
			const inModules = url.split('node_modules/').pop();
			key = url.includes('node_modules/') ? inModules.split('/').slice(0, inModules.startsWith('@') ? 2 : 1).join('/') : path.basename(url);
		}
		out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	}
	return out;
}

async function profileOne({ label, tarball, workflow, nodeName, sandbox, info, workDir, line, token }) {
	const userFolder = fs.mkdtempSync(path.join(workDir, 'n8n-'));
	const n8n = new ProfiledN8n({ line, userFolder, port: await freePort(), brokerPort: await freePort() });
	n8n.profileDir = path.join(userFolder, 'profiles');
	fs.mkdirSync(n8n.profileDir);
	await n8n.installPackage(tarball);
	const custom = path.join(userFolder, '.n8n', 'custom');
	fs.mkdirSync(custom, { recursive: true });
	fs.copyFileSync(path.join(__dirname, 'lib', 'floor-node', 'BenchFloor.node.js'), path.join(custom, 'BenchFloor.node.js'));
	await n8n.importCredentials([{ ...CREDENTIAL, type: 'portalDuctApi', data: { baseUrl: info.url, email: info.login.email, password: info.login.password } }]);
	const w = workflow(token);
	await n8n.importWorkflows([prepare(w, { id: w.id, credential: CREDENTIAL, sandboxUrl: info.url })]);
	n8n.start();
	try {
		await n8n.waitReady(180_000);
		await n8n.setupOwner();
		await n8n.runWorkflow(w.id); // warm-up, not profiled
		await n8n.signal('started-1');
		const times = [];
		for (let r = 0; r < REPS; r++) {
			await sandbox.call('resetStats');
			const id = await n8n.runWorkflow(w.id);
			const ex = await n8n.execution(id);
			const task = ex.data?.resultData?.runData?.[nodeName]?.[0];
			const failed = (task?.data?.main?.[0] ?? []).filter((i) => i.json?.error !== undefined).length;
			if (!task || failed || ex.data?.resultData?.error) throw new Error(`${label}: run ${r + 1} failed (${failed} failed items) ${ex.data?.resultData?.error?.message ?? ''}`);
			times.push(task.executionTime);
		}
		const byPackage = timeByPackage(await n8n.signal('profile-1.cpuprofile'));
		console.log(`profile: ${label}: executionTime ${times.join(', ')} ms`);
		return { label, msPerItem: median(times) / ITEMS, byPackage, items: ITEMS * REPS };
	} finally {
		await n8n.stop();
	}
}

function report(results) {
	const keys = new Set(results.flatMap((r) => [...r.byPackage.keys()]));
	const per = (r, k) => ((r.byPackage.get(k) ?? 0) * 1000) / r.items; // µs per item
	const busy = (r) => [...r.byPackage].filter(([k]) => k !== '(idle)').reduce((a, [, v]) => a + v, 0) * 1000 / r.items;
	const [ours, floor] = results;
	const rows = [...keys]
		.map((k) => ({ k, values: results.map((r) => per(r, k)), diff: per(ours, k) - per(floor, k) }))
		.sort((a, b) => b.diff - a.diff);
	const col = (s, w = 14) => String(s).padStart(w);
	console.log(`\nPer item: ${ITEMS} balance reads x ${REPS} runs, concurrency ${CONCURRENCY}, 0 ms latency, real n8n ${results.line}`);
	console.log(`${'package (self time)'.padEnd(34)}${results.map((r) => col(r.label)).join('')}${col('ours - floor')}`);
	const line = (name, values, diff) => console.log(`${name.padEnd(34)}${values.map((v) => col(`${v.toFixed(0)} µs`)).join('')}${col(`${diff >= 0 ? '+' : ''}${diff.toFixed(0)} µs`)}`);
	line('node executionTime (wall)', results.map((r) => r.msPerItem * 1000), (ours.msPerItem - floor.msPerItem) * 1000);
	line('main thread busy (all packages)', results.map(busy), busy(ours) - busy(floor));
	for (const r of rows.slice(0, 14)) line(r.k, r.values, r.diff);
}

async function main() {
	const line = installed(2);
	if (!line) throw new Error('n8n 2.41.1 is not installed: run test/e2e/install-n8n.sh 2 (or npm run bench once)');
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-profile-'));
	console.log(`profile: building in ${workDir}`);
	const pkg = await buildForBench({ repo: REPO, workDir });
	const variant = EXPERIMENT
		? await buildForBench({ repo: REPO, workDir: fs.mkdtempSync(path.join(workDir, 'once-')), beforePack: loadCredentialOncePerRun })
		: undefined;
	const sandbox = startWorker(path.join(__dirname, 'lib', 'sandbox-host.js'), { name: 'sandbox', args: [path.join(pkg.pkgDir, 'dist', 'test', 'sandbox', 'index.js')] });
	try {
		const info = await sandbox.call('start', {}, 30_000);
		await sandbox.call('seed', { clients: ITEMS, invoices: 1 }, 60_000);
		const login = await fetch(`${info.url}/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(info.login) });
		const body = await login.json();
		const token = body.token ?? body.accessToken;
		const common = { sandbox, info, workDir, line, token };
		const ours = (role) => () => wf.balanceWorkflow(role, { count: ITEMS, options: { concurrency: CONCURRENCY } });
		const results = [
			await profileOne({ ...common, label: 'PortalDuct', tarball: pkg.tarball, workflow: ours('profours'), nodeName: 'PortalDuct' }),
			await profileOne({
				...common,
				label: 'floor node',
				tarball: pkg.tarball,
				workflow: (t) => wf.floorWorkflow('proffloor', { count: ITEMS, concurrency: CONCURRENCY, token: t }),
				nodeName: 'Bench Floor',
			}),
		];
		if (variant) {
			results.push(await profileOne({ ...common, label: 'once per run', tarball: variant.tarball, workflow: ours('profonce'), nodeName: 'PortalDuct' }));
		}
		results.line = line.version;
		report(results);
	} finally {
		await sandbox.stop();
	}
	fs.rmSync(workDir, { recursive: true, force: true });
}

main().catch((error) => {
	console.error(`profile: ${error?.stack ?? error}`);
	process.exit(1);
});

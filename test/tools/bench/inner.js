#!/usr/bin/env node
'use strict';
// One benchmark run, inside the loopback-only network namespace run.js puts it in. Starts the
// sandbox (own process), real n8n (with the credential-load counter), engine and raw-axios
// workers, measures every row with the contenders of a run interleaved rep by rep, stops every
// process by pid, and prints "BENCH_RESULT {json}" last for run.js to format.
//   node test/tools/bench/inner.js --manifest <workDir>/manifest.json
const { freePort } = require('../../e2e/lib/inner-run');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { installed } = require('../../e2e/lib/lines');
const { interfaces, otherPidsInMyNetns } = require('../../e2e/lib/netns');
const { waitFor, sleep } = require('../../e2e/lib/proc');
const { prepare } = require('../../e2e/lib/workflows');
const { BenchN8n } = require('./lib/n8n-bench');
const { startWorker } = require('./lib/worker');
const { INVOICE_CONNECTION } = require('./lib/ids');
const wf = require('./lib/workflows');

const arg = (name) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : undefined;
};
const manifest = JSON.parse(fs.readFileSync(arg('manifest'), 'utf8'));
const { pkgDir, reps, sizes } = manifest;
const CREDENTIAL = { id: 'PortalDuctBench1', name: 'PortalDuct bench' };
/** Run 2 also measures our node at these concurrencies (the default is measured anyway). */
const OTHER_CONCURRENCIES = [10, 25, 50, 100, 200];
/** The node's own maximum of Options > Concurrency (runLimits.maxConcurrency). */
const MAX_CONCURRENCY = 200;
/** Run 5's plain Webhook node listens at /webhook/<this>. */
const WEBHOOK_PATH = 'bench-plain-webhook';

const result = { rows: [], notes: [], checks: [], info: {} };
const started = Date.now();
const log = (line) => console.log(`     ${line}`);
const note = (text) => {
	result.notes.push(text);
	log(`note: ${text}`);
};

// Everything we start, so a signal or a crash still stops it by pid.
const processes = new Set();
let n8n;
function killAll() {
	n8n?.server?.killNow();
	for (const p of processes) p.killNow();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		killAll();
		process.exit(130);
	});
}
process.stdout.on('error', () => undefined);

function worker(script, options) {
	const w = startWorker(path.join(__dirname, 'lib', script), options);
	processes.add(w);
	return {
		...w,
		async stop() {
			await w.stop();
			processes.delete(w);
		},
	};
}


/** The default of options.concurrency the built node declares, or undefined when it has none. */
function declaredDefaultConcurrency() {
	const file = path.join(pkgDir, 'dist', 'nodes', 'PortalDuct', 'PortalDuct.node.js');
	const { PortalDuct } = require(file);
	const properties = new PortalDuct().description.properties;
	for (const p of properties) {
		if (p.name !== 'options' || !Array.isArray(p.options)) continue;
		const shown = p.displayOptions?.show;
		if (shown?.resource && !shown.resource.includes('client')) continue;
		if (shown?.operation && !shown.operation.includes('getBalance')) continue;
		const concurrency = p.options.find((o) => o.name === 'concurrency');
		if (concurrency) return concurrency.default;
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Rows and contenders. A contender measures one row: warmup() (not recorded), rep() -> record.

function newRow(run, key, label, extra = {}) {
	const row = { run, key, label, reps: [], ...extra };
	result.rows.push(row);
	return row;
}

/** Warms every contender up, then runs `reps` rounds of all of them, interleaved. */
async function measure(title, contenders, { settleMs = 0, repeat = reps } = {}) {
	log(`-- ${title}`);
	for (const c of contenders) {
		if (!c.warmup) continue;
		if (settleMs) await sleep(settleMs);
		try {
			await c.warmup();
		} catch (error) {
			c.failed = error;
			c.row.error = `warmup: ${firstLine(error)}`;
			log(`${c.row.label}: warmup failed: ${error?.stack ?? error}`);
		}
	}
	for (let r = 1; r <= repeat; r++) {
		for (const c of contenders) {
			if (c.failed) continue;
			if (settleMs) await sleep(settleMs);
			await sandbox.call('resetStats');
			let rec;
			try {
				rec = await c.rep();
			} catch (error) {
				rec = { error: firstLine(error) };
				log(`${c.row.label}: rep ${r} failed: ${error?.stack ?? error}`);
			}
			const s = await sandbox.call('stats');
			Object.assign(rec, {
				logins: s.logins,
				refreshes: s.refreshes,
				refreshFailures: s.refreshFailures,
				rateLimited: s.rateLimited,
				inFlightMax: s.inFlightMax,
				requests: s.requestsTotal,
			});
			c.row.reps.push(rec);
			const extra = ['failed', 'logins', 'refreshes', 'rateLimited', 'inFlightMax', 'credLoadsPerItem']
				.filter((k) => rec[k] !== undefined)
				.map((k) => `${k} ${round(rec[k], 2)}`)
				.join(', ');
			log(`${c.row.label} rep ${r}/${repeat}: ${rec.ms === undefined ? 'no time' : `${Math.round(rec.ms)} ms`}${rec.error ? ` ERROR ${rec.error}` : ''} (${extra})`);
		}
	}
}

const firstLine = (error) => String(error?.message ?? error).split('\n')[0].slice(0, 300);
const round = (x, d = 0) => (typeof x === 'number' ? Math.round(x * 10 ** d) / 10 ** d : x);

function engineContender(row, { parameters, rows }) {
	let w;
	return {
		row,
		async warmup() {
			w = worker('engine-worker.js', { name: `engine ${row.key}`, args: [manifest.harnessModule, pkgDir] });
			await w.call('setup', { sandboxUrl: sandboxInfo.url, login: sandboxInfo.login, parameters, rows }, 120_000);
			await w.call('rep', {}, 600_000);
		},
		rep: () => w.call('rep', {}, 600_000),
		stop: () => w?.stop(),
	};
}

/** warm false: the worker only logs in before its first rep (for runs where a warm-up rep costs a lot). */
/** `execPath` defaults to the n8n line's Node, so raw axios and real n8n run on the same Node. */
function axiosContender(row, job, { warm = true, execPath } = {}) {
	let w;
	return {
		row,
		async warmup() {
			w = worker('axios-worker.js', { name: `axios ${row.key}`, execPath: execPath ?? line.node });
			await w.call('setup', { baseUrl: sandboxInfo.url, login: sandboxInfo.login, ...job }, 60_000);
			if (warm) await w.call('rep', {}, 600_000);
		},
		rep: () => w.call('rep', {}, 600_000),
		stop: () => w?.stop(),
	};
}

/** A workflow in real n8n; `nodeName` is timed by its executionTime; per = items the loads are divided by. */
function n8nContender(row, { workflowId, nodeName, per, measureMemory = false, warm = true }) {
	const once = async () => {
		const loadsBefore = await n8n.credentialLoads();
		const rssBefore = measureMemory ? n8n.memory().rss : undefined;
		const peakReset = measureMemory ? n8n.resetPeakMemory() : undefined;
		const cpuBefore = n8n.cpuMs();
		const wallStart = performance.now();
		const executionId = await n8n.runWorkflow(workflowId);
		const wallMs = performance.now() - wallStart;
		const cpuMs = n8n.cpuMs() - cpuBefore;
		const memory = measureMemory ? n8n.memory() : undefined;
		const loads = (await n8n.credentialLoads()) - loadsBefore;
		const ex = await n8n.execution(executionId); // after the counters: serving it is not the run's
		const runData = ex.data?.resultData?.runData ?? {};
		const task = runData[nodeName]?.[0];
		const out = (task?.data?.main?.[0] ?? []).map((i) => i.json ?? {});
		const error = ex.data?.resultData?.error;
		return {
			ms: task?.executionTime,
			wallMs,
			cpuMs,
			outputItems: out.length,
			failed: out.filter((j) => j.error !== undefined).length,
			credLoadsPerItem: loads / per,
			...(memory ? { peakRss: peakReset ? memory.peak : undefined, rssBefore, rss: memory.rss } : {}),
			...(error ? { error: `${error.node?.name ?? ''}: ${error.message}`.slice(0, 300) } : {}),
		};
	};
	return { row, warmup: warm ? once : undefined, rep: once };
}

// ---------------------------------------------------------------------------------------------

let sandbox;
let sandboxInfo;
let line;

async function main() {
	line = installed(2);
	if (!line) throw new Error('n8n 2.41.1 is not installed (test/e2e/install-n8n.sh 2)');
	if (manifest.netns) {
		const ifs = interfaces();
		if (ifs.join(',') !== 'lo') throw new Error(`expected a loopback-only namespace, found interfaces ${ifs.join(', ')}`);
	}
	// Other work on the machine shows in every time: the 1-min load average, sampled through the run.
	result.info.load = [os.loadavg()[0]];
	setInterval(() => result.info.load.push(os.loadavg()[0]), 10_000).unref();
	result.info.loopbackOnly = manifest.netns ? 'network namespace with only lo' : 'no namespace (--no-netns); n8n told loopback only';

	// The sandbox, in a process of its own, seeded with the clients and the invoices.
	sandbox = worker('sandbox-host.js', { name: 'sandbox', args: [manifest.sandboxModule] });
	sandboxInfo = await sandbox.call('start', {}, 30_000);
	const seeded = await sandbox.call('seed', { clients: Math.max(sizes.reads, sizes.latencyReads), invoices: sizes.invoices }, 60_000);
	log(`sandbox ${sandboxInfo.url} (pid ${sandbox.pid}): ${seeded.clientIds.length} clients, ${seeded.invoices} invoices on one connection`);

	const declared = declaredDefaultConcurrency();
	const pool = Number.isInteger(declared) && declared > 0 ? declared : 5;
	result.info.declaredConcurrency = declared;
	result.info.pool = pool;
	if (declared === undefined) note('the built node declares no options.concurrency yet: "default" runs are whatever the node does, raw axios uses a pool of 5');
	const httpVersion = wf.latestHttpRequestVersion(line.dir);
	result.info.httpRequestVersion = httpVersion;

	// Real n8n: user folder, package, credential, workflows, trigger active, start.
	const userFolder = fs.mkdtempSync(path.join(manifest.workDir, 'n8n-'));
	n8n = new BenchN8n({ line, userFolder, port: await freePort(), brokerPort: await freePort() });
	log(`n8n ${line.version} at ${n8n.url}, user folder ${userFolder}`);
	await n8n.installPackage(manifest.tarball);
	// The floor node (bare this.helpers.httpRequest) from n8n's custom folder, with a token of its own.
	const customDir = path.join(userFolder, '.n8n', 'custom');
	fs.mkdirSync(customDir, { recursive: true });
	fs.copyFileSync(path.join(__dirname, 'lib', 'floor-node', 'BenchFloor.node.js'), path.join(customDir, 'BenchFloor.node.js'));
	const floorToken = await sandboxToken();
	await n8n.importCredentials([
		{ ...CREDENTIAL, type: 'portalDuctApi', data: { baseUrl: sandboxInfo.url, email: sandboxInfo.login.email, password: sandboxInfo.login.password } },
	]);
	const R = sizes.reads;
	const L = sizes.latencyReads;
	const workflows = {
		oursC1: wf.balanceWorkflow('oursc1', { count: R, options: { concurrency: 1 } }),
		oursDefault: wf.balanceWorkflow('oursdef', { count: R }),
		http: wf.httpWorkflow('http', { count: R, typeVersion: httpVersion }),
		// Run 2: items that fail (rate limit) stay items, so they can be counted.
		latOurs: wf.balanceWorkflow('latours', { count: L, onError: 'continueRegularOutput' }),
		latHttp: wf.httpWorkflow('lathttp', { count: L, typeVersion: httpVersion, onError: 'continueRegularOutput' }),
		latHttpBatch: wf.httpWorkflow('lathttpbatch', { count: L, typeVersion: httpVersion, batching: { batchSize: 10, batchInterval: 1 }, onError: 'continueRegularOutput' }),
		floorC1: wf.floorWorkflow('floorc1', { count: R, concurrency: 1, token: floorToken }),
		floorPool: wf.floorWorkflow('floorpool', { count: R, concurrency: pool, token: floorToken }),
		latFloor: wf.floorWorkflow('latfloor', { count: L, concurrency: pool, token: floorToken }),
		// Run 2 at other concurrencies than the default: what the default was chosen from.
		...Object.fromEntries(
			OTHER_CONCURRENCIES.filter((c) => c !== pool).map((c) => [`latOurs${c}`, wf.balanceWorkflow(`latours${c}`, { count: L, options: { concurrency: c }, onError: 'continueRegularOutput' })]),
		),
		returnAll: wf.returnAllWorkflow('returnall', { connectionUuid: INVOICE_CONNECTION }),
		trigger: wf.triggerWorkflow('trigger'),
		webhook: wf.plainWebhookWorkflow('webhook', { path: WEBHOOK_PATH }),
	};
	const ids = Object.values(workflows).map((w) => w.id);
	if (new Set(ids).size !== ids.length) throw new Error(`two bench workflows share an id: ${ids.join(', ')}`);
	const prepared = Object.values(workflows).map((w) => prepare(w, { id: w.id, credential: CREDENTIAL, sandboxUrl: sandboxInfo.url }));
	await n8n.importWorkflows(prepared);
	await n8n.activate(workflows.trigger.id);
	await n8n.activate(workflows.webhook.id);
	const bootStart = Date.now();
	n8n.start();
	await n8n.waitReady(180_000);
	await n8n.setupOwner();
	log(`n8n ready in ${Math.round((Date.now() - bootStart) / 1000)} s (pid ${n8n.server.pid})`);

	const balanceRows = (count) => seeded.clientIds.slice(0, count).map((clientUUID) => ({ clientUUID }));
	const balance = (options) => ({ resource: 'client', operation: 'getBalance', clientUUID: '={{ $json.clientUUID }}', ...(options ? { options } : {}) });

	// Run 1: balance reads, 0 ms latency.
	await group('run 1', async () => {
		const rows = balanceRows(R);
		const cs = [
			engineContender(newRow('1', 'engine-c1', 'engine: PortalDuct, concurrency 1', { items: R }), { parameters: balance({ concurrency: 1 }), rows }),
			engineContender(newRow('1', 'engine-default', `engine: PortalDuct, default (${declared ?? '?'})`, { items: R }), { parameters: balance(), rows }),
			axiosContender(newRow('1', 'axios-seq', 'raw axios, sequential, new connection each', { items: R }), { op: 'balance', ids: seeded.clientIds.slice(0, R), concurrency: 1 }),
			axiosContender(newRow('1', 'axios-pool', `raw axios, pool of ${pool}, new connection each`, { items: R }), { op: 'balance', ids: seeded.clientIds.slice(0, R), concurrency: pool }),
			n8nContender(newRow('1', 'n8n-c1', 'real n8n: PortalDuct, concurrency 1', { items: R }), { workflowId: workflows.oursC1.id, nodeName: 'PortalDuct', per: R }),
			n8nContender(newRow('1', 'n8n-default', `real n8n: PortalDuct, default (${declared ?? '?'})`, { items: R }), { workflowId: workflows.oursDefault.id, nodeName: 'PortalDuct', per: R }),
			n8nContender(newRow('1', 'n8n-http', `real n8n: HTTP Request ${httpVersion}, defaults`, { items: R }), { workflowId: workflows.http.id, nodeName: 'HTTP Request', per: R }),
			n8nContender(newRow('1', 'floor-c1', 'real n8n: floor node (bare helpers.httpRequest), concurrency 1', { items: R }), { workflowId: workflows.floorC1.id, nodeName: 'Bench Floor', per: R }),
			n8nContender(newRow('1', 'floor-pool', `real n8n: floor node (bare helpers.httpRequest), concurrency ${pool}`, { items: R }), { workflowId: workflows.floorPool.id, nodeName: 'Bench Floor', per: R }),
		];
		try {
			await measure(`run 1: ${R} balance reads, 0 ms latency`, cs);
		} finally {
			for (const c of cs) await c.stop?.();
		}
	});

	// Run 4: run 1's reads with a 2 s token, real n8n. At 0 ms latency they end within one token
	// lifetime, so the sandbox adds latency until the run spans several lifetimes.
	await group('run 4', async () => {
		const lifetime = sizes.tokenLifetimeSeconds;
		// Enough latency for the reads at the default concurrency to span about 3 lifetimes, but
		// well under one lifetime per request (the sandbox checks the token when it answers).
		const latency = Math.min(Math.floor((lifetime * 1000) / 3), Math.max(sizes.tokenLatencyMs, Math.ceil((3 * lifetime * 1000 * pool) / R)));
		await sandbox.call('settings', { tokenLifetimeSeconds: lifetime, latencyMs: latency });
		try {
			await measure(`run 4: ${R} balance reads, token lifetime ${lifetime} s, ${latency} ms latency`, [
				n8nContender(newRow('4', 'token-ours', `real n8n: PortalDuct, default, ${lifetime} s token`, { items: R, latencyMs: latency }), {
					workflowId: workflows.oursDefault.id,
					nodeName: 'PortalDuct',
					per: R,
					warm: false,
				}),
				n8nContender(newRow('4', 'token-http', `real n8n: HTTP Request, ${lifetime} s token`, { items: R, latencyMs: latency }), {
					workflowId: workflows.http.id,
					nodeName: 'HTTP Request',
					per: R,
					warm: false,
				}),
			]);
		} finally {
			await sandbox.call('settings', { tokenLifetimeSeconds: 900, latencyMs: 0 });
		}
	});

	// Run 2: reads at 20 ms latency, then the same under a rate limit.
	await group('run 2', async () => {
		await sandbox.call('settings', { latencyMs: sizes.latencyMs });
		const ids = seeded.clientIds.slice(0, L);
		const contenders = (suffix, limited) => [
			n8nContender(newRow(limited ? '2b' : '2', `lat-ours${suffix}`, `real n8n: PortalDuct, default${limited ? ', limited' : ''}`, { items: L, latencyMs: sizes.latencyMs }), {
				workflowId: workflows.latOurs.id,
				nodeName: 'PortalDuct',
				per: L,
				warm: !limited,
			}),
			n8nContender(newRow(limited ? '2b' : '2', `lat-http${suffix}`, `real n8n: HTTP Request, defaults${limited ? ', limited' : ''}`, { items: L, latencyMs: sizes.latencyMs }), {
				workflowId: workflows.latHttp.id,
				nodeName: 'HTTP Request',
				per: L,
				warm: !limited,
			}),
			n8nContender(newRow(limited ? '2b' : '2', `lat-http-batch${suffix}`, `real n8n: HTTP Request, batching 10/1 ms${limited ? ', limited' : ''}`, { items: L, latencyMs: sizes.latencyMs }), {
				workflowId: workflows.latHttpBatch.id,
				nodeName: 'HTTP Request',
				per: L,
				warm: !limited,
			}),
			// Under the limit, the most in flight the option allows too (when that is not the default).
			...(limited && workflows[`latOurs${MAX_CONCURRENCY}`]
				? [
						n8nContender(newRow('2b', `lat-ours-c${MAX_CONCURRENCY}-limited`, `real n8n: PortalDuct, concurrency ${MAX_CONCURRENCY}, limited`, { items: L, latencyMs: sizes.latencyMs }), {
							workflowId: workflows[`latOurs${MAX_CONCURRENCY}`].id,
							nodeName: 'PortalDuct',
							per: L,
							warm: false,
						}),
					]
				: []),
			...(limited
				? []
				: OTHER_CONCURRENCIES.filter((c) => c !== pool).map((c) =>
						n8nContender(newRow('2', `lat-ours-c${c}`, `real n8n: PortalDuct, concurrency ${c}`, { items: L, latencyMs: sizes.latencyMs }), {
							workflowId: workflows[`latOurs${c}`].id,
							nodeName: 'PortalDuct',
							per: L,
						}),
					)),
			...(limited
				? []
				: [
						n8nContender(newRow('2', 'lat-floor', `real n8n: floor node (bare helpers.httpRequest), concurrency ${pool}`, { items: L, latencyMs: sizes.latencyMs }), {
							workflowId: workflows.latFloor.id,
							nodeName: 'Bench Floor',
							per: L,
						}),
					]),
			axiosContender(newRow(limited ? '2b' : '2', `lat-axios${suffix}`, `raw axios, pool of ${pool}${limited ? ', limited' : ''}`, { items: L, latencyMs: sizes.latencyMs }), { op: 'balance', ids, concurrency: pool }, { warm: !limited }),
		];
		const open = contenders('', false);
		try {
			await measure(`run 2: ${L} balance reads, ${sizes.latencyMs} ms latency`, open);
		} finally {
			for (const c of open) await c.stop?.();
		}
		await sandbox.call('settings', { rateLimitPerSecond: sizes.rateLimit });
		const limited = contenders('-limited', true);
		try {
			// The sliding 1 s window must be empty when each rep starts.
			await measure(`run 2b: the same under ${sizes.rateLimit} requests/s`, limited, { settleMs: 1_100 });
		} finally {
			for (const c of limited) await c.stop?.();
			await sandbox.call('settings', { rateLimitPerSecond: 0, latencyMs: 0 });
		}
	});

	// Run 3: Return All of one connection.
	await group('run 3', async () => {
		const pages = Math.ceil(sizes.invoices / 100);
		const cs = [
			engineContender(newRow('3', 'all-engine', 'engine: PortalDuct Return All', { items: sizes.invoices, pages }), {
				parameters: { resource: 'invoice', operation: 'getMany', connectionUuid: INVOICE_CONNECTION, returnAll: true },
				rows: [{}],
			}),
			axiosContender(newRow('3', 'all-axios', 'raw axios paging, 100 a page, sequential', { items: sizes.invoices, pages }), {
				op: 'pages',
				connectionUuid: INVOICE_CONNECTION,
				pageSize: 100,
			}),
			// The engine harness runs on the repo's Node: its baseline is raw axios on that Node.
			axiosContender(newRow('3', 'all-axios-engine-node', `raw axios paging, 100 a page, sequential, on Node ${process.versions.node} (the engine's)`, { items: sizes.invoices, pages }), {
				op: 'pages',
				connectionUuid: INVOICE_CONNECTION,
				pageSize: 100,
			}, { execPath: process.execPath }),
			n8nContender(newRow('3', 'all-n8n', 'real n8n: PortalDuct Return All', { items: sizes.invoices, pages }), {
				workflowId: workflows.returnAll.id,
				nodeName: 'PortalDuct',
				per: pages,
				measureMemory: true,
			}),
		];
		try {
			// Runs of a few hundred ms: three times the reps, so one disturbed rep moves the median less.
			await measure(`run 3: Return All of ${sizes.invoices} invoices`, cs, { repeat: reps * 3 });
		} finally {
			for (const c of cs) await c.stop?.();
		}
	});

	// Run 5: bursts of signed deliveries to the active trigger and to n8n's plain Webhook node.
	await group('run 5', () => burstRun({ trigger: workflows.trigger, webhook: { id: workflows.webhook.id, path: WEBHOOK_PATH } }));

	result.info.n8nIdleRss = n8n.memory().rss;
	const exit = await n8n.stop();
	if (exit?.forced) note('n8n needed SIGKILL to stop');
}

/** An access token of the seeded account, for the floor node (which has no credential). */
async function sandboxToken() {
	const r = await fetch(`${sandboxInfo.url}/v1/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(sandboxInfo.login),
	});
	const body = await r.json();
	const token = body.token ?? body.accessToken ?? body.access_token ?? body.data?.token;
	if (!token) throw new Error(`the sandbox login gave no token (HTTP ${r.status})`);
	return token;
}

/** Runs one group of rows ('run 1' ... 'run 5'), unless --runs left it out. */
async function group(name, fn) {
	if (manifest.runs && !manifest.runs.includes(name.replace(/^run /, ''))) return;
	try {
		await fn();
	} catch (error) {
		note(`${name} could not be completed: ${firstLine(error)}`);
		log(error?.stack ?? String(error));
	}
}

/**
 * Run 5: `sizes.burst` signed deliveries POSTed at once to the URL the active PortalDuct Trigger
 * registered, and the same bodies (same headers and query) to n8n's plain Webhook node in the same
 * n8n, round by round in alternating order (T W, W T, ...), after one unrecorded warm-up burst
 * each. Each burst waits until every execution it started has finished before the next one.
 */
async function burstRun({ trigger, webhook }) {
	const rounds = Math.max(3, reps);
	log(`-- run 5: ${sizes.burst} deliveries at once, PortalDuct Trigger and plain Webhook, ${rounds} rounds alternating`);
	const registration = await waitFor(
		async () => {
			const r = await sandbox.call('registration');
			return r?.url?.startsWith(`${n8n.url}/webhook/`) ? r : undefined;
		},
		{ timeoutMs: 60_000, intervalMs: 500 },
	);
	if (!registration) throw new Error('the trigger never registered its webhook URL with the sandbox');
	// The same query string (token, signing) on both: the plain Webhook ignores it, but parses it as n8n does for any call.
	const query = new URL(registration.url).search;
	const contenders = [
		{
			row: newRow('5', 'burst', `real n8n: PortalDuct Trigger, ${sizes.burst} deliveries at once`, { items: sizes.burst }),
			workflowId: trigger.id,
			url: registration.url,
		},
		{
			row: newRow('5', 'burst-webhook', `real n8n: plain Webhook node (POST, respond immediately), ${sizes.burst} deliveries at once`, { items: sizes.burst }),
			workflowId: webhook.id,
			url: `${n8n.url}/webhook/${webhook.path}${query}`,
		},
	];
	for (const c of contenders) {
		const warm = await burst(c, registration.secret, 'warmup');
		log(`${c.row.label} warm-up: ${warm.accepted}/${sizes.burst} answered 200, ${warm.executions} executions`);
	}
	for (let r = 1; r <= rounds; r++) {
		const order = r % 2 ? contenders : [...contenders].reverse();
		for (const c of order) {
			await sleep(500);
			let rec;
			try {
				rec = await burst(c, registration.secret, `r${r}`);
			} catch (error) {
				rec = { error: firstLine(error) };
				log(`${c.row.label}: round ${r} failed: ${error?.stack ?? error}`);
			}
			c.row.reps.push(rec);
			if (!rec.error) {
				log(
					`${c.row.label} round ${r}/${rounds}: ${rec.accepted}/${sizes.burst} answered 200 in ${Math.round(rec.answeredMs)} ms; ${rec.executions} executions, the last stored ${rec.ms === undefined ? '?' : Math.round(rec.ms)} ms after the first POST; CPU ${round(rec.cpuMs / sizes.burst, 2)} ms/delivery; lost ${rec.lost}`,
				);
			}
		}
	}
}

/** The bodies of one burst: PortalDuct portal login changes with fresh eventIds (the trigger drops redeliveries). */
function deliveryBodies(tag) {
	const batchId = `${crypto.randomUUID().slice(0, 8)}-${tag}`;
	return Array.from({ length: sizes.burst }, (_, i) =>
		JSON.stringify({
			eventId: `bench-${batchId}-${i + 1}`,
			event: 'clientPortalLoginChange',
			occurredAt: new Date().toISOString(),
			customerUUID: 'a0000000-0000-4000-8000-000000000001',
			clientUUID: `b0000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
			connection_uuid: crypto.randomUUID(),
			portalName: 'Ariba',
			status: ['pending', 'success', 'failure'][i % 3],
			retryRequired: i % 3 === 2,
			message: i % 3 === 2 ? 'Login to Ariba failed: wrong password' : 'ok',
		}),
	);
}

/**
 * One burst to one contender: every body POSTed at once (signed, as PortalDuct sends them), then
 * waits until every execution it started has finished (or the count stops growing for 15 s).
 * ms = first POST to the last execution's stoppedAt; cpuMs = the n8n process's CPU from the first
 * POST until all were seen finished (the execution-list polls in between are alike for both).
 */
async function burst({ workflowId, url }, secret, tag) {
	const countOf = async (status) => (await n8n.executionList(workflowId, { status, limit: 1 })).count;
	const before = { all: await countOf(), done: await countOf(['success', 'error', 'crashed', 'canceled']), success: await countOf(['success']) };
	const bodies = deliveryBodies(tag);
	const sign = (body) => {
		const t = Math.floor(Date.now() / 1000);
		const v1 = crypto.createHmac('sha256', secret ?? '').update(`${t}.${body}`).digest('hex');
		return `t=${t},v1=${v1}`;
	};
	const signatures = bodies.map((body) => (secret ? sign(body) : undefined));
	const cpuBefore = n8n.cpuMs();
	const t0 = performance.now();
	const t0Wall = Date.now();
	const answers = await Promise.all(
		bodies.map(async (body, i) => {
			try {
				const r = await fetch(url, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						'user-agent': 'PortalDuct-Sandbox/1',
						...(signatures[i] ? { 'x-portalduct-signature': signatures[i] } : {}),
					},
					body,
					signal: AbortSignal.timeout(60_000),
				});
				await r.text();
				return r.status;
			} catch (error) {
				return `error ${firstLine(error)}`;
			}
		}),
	);
	const answeredMs = performance.now() - t0;
	const accepted = answers.filter((s) => s === 200).length;
	// Executions run after the answers: wait until all are finished, or the count stops growing.
	let last = -1;
	let stableSince = Date.now();
	const counted = await waitFor(
		async () => {
			const all = (await countOf()) - before.all;
			const done = (await countOf(['success', 'error', 'crashed', 'canceled'])) - before.done;
			if (done !== last) {
				last = done;
				stableSince = Date.now();
			}
			if (all >= accepted && done === all) return { all, done };
			return Date.now() - stableSince > 15_000 ? { all, done } : undefined;
		},
		{ timeoutMs: 180_000, intervalMs: 250 },
	);
	const cpuMs = n8n.cpuMs() - cpuBefore;
	const executions = counted?.all ?? (await countOf()) - before.all;
	const succeeded = (await countOf(['success'])) - before.success;
	// The newest 100 finished ones hold the last to finish (they finish about in order of start).
	const newest = (await n8n.executionList(workflowId, { limit: 100 })).results;
	const lastStop = Math.max(...newest.map((e) => Date.parse(e.stoppedAt ?? '')).filter(Number.isFinite));
	const doneMs = Number.isFinite(lastStop) ? lastStop - t0Wall : undefined;
	return {
		ms: doneMs,
		answeredMs,
		cpuMs,
		accepted,
		refused: answers.length - accepted,
		answers: [...new Set(answers.map(String))].join(', '),
		executions,
		succeeded,
		unfinished: counted ? counted.all - counted.done : undefined,
		lost: Math.max(0, accepted - executions),
		deliveriesPerSecond: sizes.burst / (answeredMs / 1000),
		executionsPerSecond: doneMs ? executions / (doneMs / 1000) : undefined,
	};
}

/** n8n 2.x's task runner can outlive n8n briefly: anything left in our namespace is ours to stop, by pid. */
async function reapNamespace() {
	const gone = await waitFor(() => otherPidsInMyNetns().length === 0, { timeoutMs: 10_000, intervalMs: 500 });
	if (gone) return;
	for (const pid of otherPidsInMyNetns()) {
		log(`stopping leftover pid ${pid}`);
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// exited meanwhile
		}
	}
}

main()
	.catch((error) => {
		note(`stopped early: ${firstLine(error)}`);
		log(error?.stack ?? String(error));
		if (n8n) log(n8n.logTail(20));
	})
	.finally(async () => {
		try {
			if (n8n?.server?.isAlive()) await n8n.stop();
			if (sandbox) await sandbox.stop();
			for (const p of processes) await p.stop?.();
			if (manifest.netns) await reapNamespace();
		} catch (error) {
			log(`cleanup: ${error?.stack ?? error}`);
		}
		result.info.seconds = Math.round((Date.now() - started) / 1000);
		result.info.load?.push(os.loadavg()[0]);
		console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
		process.exit(0);
	});

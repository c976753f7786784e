#!/usr/bin/env node
'use strict';
// `npm run bench`: how fast the PortalDuct node is, side by side with raw axios and n8n's HTTP
// Request node, in the engine harness and in REAL n8n 2.41.1 (Node 24), against the local sandbox.
// Installs n8n 2.41.1 once (cached outside the repo, like the e2e), builds and packs the package
// in a private copy, then runs inner.js inside a loopback-only network namespace, prints the table
// of medians and writes it to test/tools/bench/LATEST.md (full runs). Never fails on a missed target.
//
//   npm run bench [-- --reps N] [--quick] [--runs LIST] [--use-dist] [--no-netns] [--no-install] [--keep] [--out FILE] [--no-write]
//
// --reps N      repetitions per row (default 5; 1 with --quick); the median is shown
// --quick       small sizes and 1 rep: a smoke run of every row (about 2 min); writes no LATEST.md unless --out
// --runs LIST   only these runs, e.g. 5 or 1,5 (2 includes 2b); writes no LATEST.md unless --out
// --use-dist    measure the repo's existing dist/ (after `npm run build`) instead of a private build
// --no-netns    run without a network namespace (when not root); n8n is still told loopback only
// --no-install  fail instead of installing a missing n8n 2.41.1
// --keep        keep the temp folder (n8n user folder and log, tarball)
// --out FILE    write the Markdown report there (default test/tools/bench/LATEST.md for full runs)
// --no-write    write no Markdown report
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { installed } = require('../../e2e/lib/lines');
const { runInner } = require('../../e2e/lib/inner-run');
const { parseArgs } = require('node:util');
const { wrapInNetns } = require('../../e2e/lib/netns');
const { buildForBench } = require('./lib/build');
const report = require('./lib/report');

const REPO = path.join(__dirname, '..', '..', '..');
const RUN_TIMEOUT_MS = 45 * 60_000;
// Node's own parser: an unknown option or one without its value stops the run before anything starts.
const ARGS = (() => {
	try {
		return parseArgs({
			options: {
				reps: { type: 'string' },
				quick: { type: 'boolean' },
				runs: { type: 'string' },
				'use-dist': { type: 'boolean' },
				'no-netns': { type: 'boolean' },
				'no-install': { type: 'boolean' },
				keep: { type: 'boolean' },
				out: { type: 'string' },
				'no-write': { type: 'boolean' },
			},
			strict: true,
			allowPositionals: false,
		}).values;
	} catch (error) {
		console.error(`bench: ${error.message}\nusage: npm run bench [-- --reps N] [--quick] [--runs LIST] [--use-dist] [--no-netns] [--no-install] [--keep] [--out FILE] [--no-write]`);
		process.exit(2);
	}
})();
const flag = (name) => ARGS[name] === true;
const option = (name) => ARGS[name];

const QUICK = flag('quick');
const SIZES = QUICK
	? { reads: 200, latencyReads: 100, invoices: 2_000, burst: 50, latencyMs: 20, rateLimit: 50, tokenLifetimeSeconds: 2, tokenLatencyMs: 40 }
	: { reads: 1_000, latencyReads: 500, invoices: 10_000, burst: 200, latencyMs: 20, rateLimit: 50, tokenLifetimeSeconds: 2, tokenLatencyMs: 40 };

function reps() {
	const given = option('reps');
	if (given === undefined) return QUICK ? 1 : 5;
	const n = Number(given);
	if (!Number.isInteger(n) || n < 1 || n > 50) {
		console.error(`bench: --reps must be a whole number from 1 to 50, got ${given}`);
		process.exit(2);
	}
	return n;
}

/** The runs to measure (--runs 5, --runs 1,5): every run when not given. */
const RUNS = ['1', '2', '3', '4', '5'];
function selectedRuns() {
	const given = option('runs');
	if (given === undefined) return RUNS;
	const picked = [...new Set(given.split(',').map((r) => r.trim().replace(/^2b$/, '2')))];
	const unknown = picked.filter((r) => !RUNS.includes(r));
	if (!picked.length || unknown.length) {
		console.error(`bench: --runs takes runs from ${RUNS.join(', ')} separated by commas, got ${given}`);
		process.exit(2);
	}
	return RUNS.filter((r) => picked.includes(r));
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return {};
	}
}

function versions(line, pkg) {
	const git = (args) => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' }).stdout?.trim() ?? '';
	const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
	const dirty = git(['status', '--porcelain', '--', 'nodes', 'credentials', 'test/tools/sandbox', 'test/harness', 'package.json']) !== '';
	return {
		package: `${pkg.packageName}@${pkg.version}`,
		n8n: line.version,
		n8nNode: (line.nodeVersion ?? readJson(path.join(line.dir, '.portalduct-install-complete')).nodeVersion ?? '?').replace(/^v/, ''),
		node: process.version.replace(/^v/, ''),
		n8nCore: readJson(path.join(REPO, 'node_modules', 'n8n-core', 'package.json')).version ?? '?',
		axios: readJson(path.join(REPO, 'node_modules', 'axios', 'package.json')).version ?? '?',
		commit: `${commit}${dirty ? ' + uncommitted changes (the working tree is what was built)' : ''}`,
	};
}

function machine() {
	const cpus = os.cpus();
	return {
		cores: cpus.length,
		cpu: cpus[0]?.model?.trim() ?? 'unknown',
		memoryGb: Math.round(os.totalmem() / 1024 ** 3),
		os: `${os.type()} ${os.release()}`,
	};
}

/** Runs inner.js (in the namespace), echoing its progress; resolves with its BENCH_RESULT. */
function runBench(manifestFile, netns) {
	const inner = [process.execPath, [path.join(__dirname, 'inner.js'), '--manifest', manifestFile]];
	const [cmd, args] = netns ? wrapInNetns(...inner) : inner;
	return runInner({
		cmd,
		args,
		marker: 'BENCH_RESULT',
		timeoutMs: RUN_TIMEOUT_MS,
		onTimeout: (pid) => console.log(`bench: timed out after ${RUN_TIMEOUT_MS / 60_000} min, stopping pid ${pid}`),
		fallback: (code) => ({ rows: [], checks: [], info: {}, notes: [`the measuring process ended (exit ${code}) without a result`] }),
	});
}

async function main() {
	const started = Date.now();
	const n = reps();
	const runs = selectedRuns();
	const partial = runs.length < RUNS.length;
	const netns = !flag('no-netns');
	// While the measuring process runs, runInner passes signals on to it (it stops what it started).
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => undefined);
	process.stdout.on('error', () => undefined);

	let line = installed(2);
	if (!line) {
		if (flag('no-install')) throw new Error('n8n 2.41.1 is not installed; run test/e2e/install-n8n.sh 2');
		console.log('bench: installing n8n 2.41.1 (Node 24) into the cache, once (several minutes)...');
		// Outside the namespace: the one step that needs the npm registry.
		const r = spawnSync('bash', [path.join(REPO, 'test', 'e2e', 'install-n8n.sh'), '2'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 60 * 60_000 });
		line = installed(2);
		if (r.status !== 0 || !line) throw new Error(`install-n8n.sh 2 exited ${r.status ?? r.signal}`);
	}
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-bench-'));
	console.log(`bench: work folder ${workDir}; ${n} reps per row${QUICK ? ', --quick sizes' : ''}${partial ? `; runs ${runs.join(', ')} only` : ''}`);
	const buildStart = Date.now();
	const pkg = await buildForBench({ repo: REPO, workDir, useDist: flag('use-dist') });
	console.log(`bench: ${flag('use-dist') ? 'packed dist/' : 'built and packed a private copy'} in ${Math.round((Date.now() - buildStart) / 1000)} s: ${path.basename(pkg.tarball)}`);

	const manifestFile = path.join(workDir, 'manifest.json');
	fs.writeFileSync(manifestFile, JSON.stringify({ ...pkg, workDir, netns, reps: n, quick: QUICK, sizes: SIZES, runs }, null, 2));
	const result = await runBench(manifestFile, netns);

	const meta = {
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		machine: machine(),
		versions: versions(line, pkg),
		info: { ...result.info, seconds: Math.round((Date.now() - started) / 1000) },
		reps: n,
		quick: QUICK,
		sizes: SIZES,
		runs: partial ? runs : undefined,
	};
	const printed = report.text(meta, result);
	console.log(`\n${printed}`);

	const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
	const out = option('out') ?? (QUICK || partial ? undefined : path.join(__dirname, 'LATEST.md'));
	// A run stopped or failed before it measured everything must not replace the last full report.
	const complete = result.rows.length > 0 && !(result.notes ?? []).some((note) => /without a result|stopped early|could not be completed/.test(note));
	if (out && !flag('no-write') && complete) {
		fs.writeFileSync(out, report.markdown(meta, result, command));
		console.log(`\nbench: wrote ${path.relative(process.cwd(), out) || out}`);
	} else if (QUICK || partial) {
		console.log(`\nbench: ${QUICK ? '--quick' : '--runs'} writes no LATEST.md (use --out FILE for one)`);
	} else if (!complete) {
		console.log('\nbench: the run did not finish; no report written');
	}
	// Missed targets are results; a run that could not measure everything is a failure.
	if (!complete) process.exitCode = 1;
	if (flag('keep')) console.log(`bench: kept ${workDir}`);
	else fs.rmSync(workDir, { recursive: true, force: true });
}

main().catch((error) => {
	console.error(error?.stack ?? error);
	process.exitCode = 1;
});
